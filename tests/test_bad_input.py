"""The bad-input table: every way a user, a file or the machine can go wrong, with the exit status and the
one line the command must give (README, "Errors and exit statuses": 2 bad input, 1 a failed run, 130
interrupted, 143 terminated; a traceback only with --debug).

Most cases run in-process through ``cli.main(argv)``; the ones where the real process matters (signals, a
read-only or full file system, the console script itself) run as subprocesses. A hypothesis property
checks that no generated parameter set or bulletin text gets past the boundary as anything but a result or
one InputError line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from jzanalysis import cli, settings
from jzanalysis.cli.boundary import encoding_line
from jzanalysis.errors import InputError
from tests.helpers import assert_one_line, facts_csv, run_main

JZ = str(Path(sys.executable).parent / "jzanalysis")
SEED = settings.SEED_BULLETIN
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SENTENCE = "荆州市2015年1-7月全市新引进亿元以上项目174个，完成全年计划的71.6%。\n"


# --- files the cases need, written into tmp_path ---------------------------------------------------


def plans_csv(tmp, line: str) -> str:
    path = tmp / "plans.csv"
    path.write_text("year,region,metric,plan\n" + line + "\n", encoding="utf-8")
    return str(path)


def profile_csv(tmp, rows: str) -> str:
    path = tmp / "profile.csv"
    path.write_text("month,share\n" + rows, encoding="utf-8")
    return str(path)


def backtest_csv(tmp, actual: str) -> str:
    path = tmp / "backtest.csv"
    path.write_text(
        "year,months,region,metric,value,unit,plan_pct,actual\n"
        f"2014,7,荆州市,projects_100m,150,个,70,{actual}\n"
        "2013,7,荆州市,projects_100m,140,个,70,230\n",
        encoding="utf-8",
    )
    return str(path)


def bulletin(tmp, text: str, name: str = "b.txt") -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def not_utf8_copy(tmp) -> str:
    path = tmp / os.fsdecode(b"b\xff.txt")
    shutil.copy(SEED, path)
    return str(path)


def a_file(tmp) -> str:
    path = tmp / "not-a-folder"
    path.write_text("x", encoding="utf-8")
    return str(path)


# --- a data/raw of our own: the manifest cases --------------------------------------------------------


@pytest.fixture
def raw(tmp_path, monkeypatch):
    """tmp/data/raw with one bulletin and its manifest, set as the project's data/raw."""
    folder = tmp_path / "data" / "raw"
    folder.mkdir(parents=True)
    (folder / "b.txt").write_text(SENTENCE, encoding="utf-8")
    digest = hashlib.sha256(SENTENCE.encode()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps({"files": {"b.txt": {"sha256": digest}}}), encoding="utf-8")
    monkeypatch.setattr(settings, "RAW_DIR", folder)
    monkeypatch.setattr(settings, "MANIFEST_PATH", folder / "manifest.json")
    return folder


def no_manifest(raw):
    (raw / "manifest.json").unlink()


def manifest_folder(raw):
    (raw / "manifest.json").unlink()
    (raw / "manifest.json").mkdir()


def manifest_entry_without_sha256(raw):
    (raw / "manifest.json").write_text(json.dumps({"files": {"b.txt": {"size": 10}}}), encoding="utf-8")


def manifest_files_as_list(raw):
    (raw / "manifest.json").write_text(json.dumps({"files": ["b.txt"]}), encoding="utf-8")


def manifest_not_json(raw):
    (raw / "manifest.json").write_text("{files: b.txt", encoding="utf-8")


def manifest_bad_digest(raw):
    (raw / "manifest.json").write_text(json.dumps({"files": {"b.txt": {"sha256": "abc"}}}), encoding="utf-8")


def raw_symlink_to_edited_copy(raw):
    edited = raw.parent / "edited.txt"
    edited.write_text(SENTENCE.replace("174", "175"), encoding="utf-8")
    (raw / "b.txt").unlink()
    (raw / "b.txt").symlink_to(edited)


def raw_file_edited(raw):
    (raw / "b.txt").write_text(SENTENCE.replace("174", "175"), encoding="utf-8")


def raw_file_unlisted(raw):
    (raw / "c.txt").write_text(SENTENCE, encoding="utf-8")


MANIFEST_CASES = [
    # (setup, argv after the command, status, message fragment)
    (no_manifest, ["forecast", "--metric", "projects_100m"], 2, "manifest.json is missing"),
    (no_manifest, ["extract", "{raw}/b.txt"], 2, "rebuild it with `jzanalysis manifest"),
    (
        manifest_folder,
        ["forecast", "--metric", "projects_100m"],
        2,
        "manifest.json is a folder, not a manifest: remove it, then rebuild it with `jzanalysis manifest",
    ),
    (
        manifest_entry_without_sha256,
        ["forecast", "--metric", "projects_100m"],
        2,
        "entry 'b.txt' has no sha256; rebuild it with `jzanalysis manifest",
    ),
    (
        manifest_files_as_list,
        ["compare"],
        2,
        'expected {"files": {name: {"sha256": ...}}}, got files as a list; rebuild it',
    ),
    (manifest_not_json, ["extract", "{raw}"], 2, "is not valid JSON"),
    (manifest_bad_digest, ["extract", "{raw}"], 2, "entry 'b.txt' has sha256 'abc', not 64 hex digits"),
    (raw_symlink_to_edited_copy, ["forecast", "--metric", "projects_100m"], 2, "b.txt is a symbolic link to"),
    (raw_file_edited, ["forecast", "--metric", "projects_100m"], 2, "b.txt has changed: sha256"),
    (raw_file_unlisted, ["extract", "{raw}"], 2, "c.txt is in"),
    (
        raw_file_unlisted,
        ["extract", "{raw}/c.txt"],
        2,
        "not in its manifest.json; every raw bulletin is checked against its sha256: record it with `jzanalysis manifest",
    ),
    (
        raw_file_edited,
        ["manifest"],
        2,
        "b.txt has changed since manifest.json was written (1 changed file(s)); raw bulletins are immutable",
    ),
    (raw_symlink_to_edited_copy, ["manifest", "{raw}"], 2, "b.txt is a symbolic link"),
    (manifest_folder, ["manifest"], 2, "manifest.json is a folder: move it away first"),
    (None, ["manifest", "{raw}/nope"], 2, "nope is not a folder"),
]


# --- the table ------------------------------------------------------------------------------------------

S = str(SEED)
P = ["forecast", "--metric", "projects_100m"]  # the seed's count of projects: most cases add one option to it
PHI = "must be a number 0..1 (φ, the overdispersion of monthly project counts)"
PLAN = "must be a number 0.01..1,000,000"


def data(**row):
    """`forecast --data facts.csv` where the facts table is the seed's city row with ``row`` changed."""
    return lambda t: [*P, "--data", facts_csv(t, **row)]


def plans(line: str, command: tuple = ("compare", S)):
    return lambda t: [*command, "--plans", plans_csv(t, line)]


def profile(rows: str, *method: str):
    return lambda t: [*P, *method, "--profile", profile_csv(t, rows)]


# (id, argv or a function of tmp_path giving it, a fragment of the one stderr line); exit status 2 for all
CASES = [
    # the usage, months, metrics, regions (the cases that were here before this table)
    ("as-of 13", [*P, "--year", "2015", "--as-of", "13"], "as-of month must be a whole number 1..11"),
    ("as-of 0", [*P, "--as-of", "0"], "1..11"),
    ("as-of word", [*P, "--as-of", "seven"], "whole month number"),
    ("extract missing", ["extract", "no/such/bulletin.txt"], "no such file or folder: no/such/bulletin.txt"),
    ("forecast missing", [*P, "no/such.txt"], "no such file or folder"),
    ("report missing source", ["report", "--source", "no/such.txt"], "no such file or folder"),
    ("report as-of 13", ["report", "--as-of", "13"], "1..11"),
    ("unknown metric", ["forecast", "--metric", "no_such_metric"], "unknown metric 'no_such_metric'"),
    ("unknown region", [*P, "--region", "荆州新区"], "unknown region '荆州新区'"),
    ("unknown option", [*P, "--bogus"], "unrecognized arguments: --bogus"),
    ("no command", [], "the following arguments are required: command"),
    ("data and paths", lambda t: [*P, S, "--data", facts_csv(t)], "not both"),
    ("extract a folder without bulletins", lambda t: ["extract", str(t)], "has no bulletins"),
    ("extract binary", lambda t: ["extract", bulletin(t, "\x00\x01binary")], "looks binary"),
    (
        "metric not forecastable",
        ["forecast", "--metric", "resident_staff"],
        "is not a running total that can be forecast",
    ),
    # 4. the file system: --out naming a file, /proc/x (read-only and full disks: subprocesses below)
    (
        "report --out a file",
        lambda t: ["report", "--out", a_file(t)],
        "is a file; allowed: a folder (created if missing)",
    ),
    (
        "batch --out a file",
        lambda t: ["batch", "--out", a_file(t)],
        "is a file; allowed: a folder (created if missing)",
    ),
    (
        "report --out /proc/x",
        ["report", "--out", "/proc/x"],
        "--out /proc/x cannot hold the reports (No such file or directory)",
    ),
    ("extract /proc/x", ["extract", "/proc/x"], "no such file or folder: /proc/x"),
    (
        "report --source not UTF-8",
        lambda t: ["report", "--source", not_utf8_copy(t)],
        "--source {tmp}/b\\xff.txt is not a valid UTF-8 name; a report records it in its notebook: rename it",
    ),
    (
        "forecast --profile /proc/x",
        [*P, "--method", "seasonal_share", "--profile", "/proc/x"],
        "profile file /proc/x not found",
    ),
    # 5. numbers out of their range, each message saying the range
    ("dispersion 1e308", [*P, "--dispersion", "1e308"], f"argument --dispersion: {PHI}, got 1e308"),
    ("dispersion 1e308 amounts", ["forecast", "--metric", "funds_in_place", "--dispersion", "1e308"], PHI),
    ("dispersion -1", [*P, "--dispersion", "-1"], PHI),
    ("dispersion nan", [*P, "--dispersion", "nan"], PHI),
    ("dispersion inf", [*P, "--dispersion", "inf"], PHI),
    ("dispersion word", [*P, "--dispersion", "wide"], f"{PHI}, got 'wide'"),
    ("report dispersion 5", ["report", "--dispersion", "5"], f"argument --dispersion: {PHI}"),
    ("backtest dispersion 1e308", ["backtest", str(FIXTURES / "backtest_synthetic.csv"), "--dispersion", "1e308"], PHI),
    (
        "year 99999999999",
        [*P, "--year", "99999999999"],
        "argument --year: must be a whole number 1990..2100, got 99999999999",
    ),
    ("report year 1900", ["report", "--year", "1900"], "must be a whole number 1990..2100, got 1900"),
    (
        "plan -5",
        [*P, "--plan", "-5"],
        f"argument --plan: {PLAN} (the annual plan in the metric's unit, 个 or 亿元), got -5",
    ),
    ("plan 1e308", [*P, "--plan", "1e308"], PLAN),
    ("plan 1e-300", ["forecast", "--metric", "funds_in_place", "--plan", "1e-300"], PLAN),
    ("plan nan", [*P, "--plan", "nan"], PLAN),
    (
        "working days 0 400",
        [*P, "--working-days", "0", "400"],
        "argument --working-days: must be a whole number 1..366, got 0",
    ),
    (
        "data year 99999999999",
        data(year=99999999999),
        "facts.csv row 1: year must be a whole number 1990..2100, got 99999999999",
    ),
    ("data year 1e30", data(year="1e30"), "facts.csv row 1: year must be a whole number 1990..2100, got 1e+30"),
    ("data count 1e17", data(value="1e17"), "row 1: projects_100m value must be a number 0..1,000,000 个, got 1e+17"),
    (
        "data count 19 digits",
        lambda t: ["compare", "--data", facts_csv(t, value="1111111111111111111")],
        "value must be a number 0..1,000,000 个",
    ),
    (
        "data amount 1e308",
        lambda t: [
            "forecast",
            "--data",
            facts_csv(t, metric="funds_in_place", unit="亿元", value="1e308"),
            "--metric",
            "funds_in_place",
        ],
        "funds_in_place value must be a number 0..1,000,000 亿元, got 1e+308",
    ),
    ("data value -5", data(value=-5), "value must be a number 0..1,000,000 个, got -5"),
    ("data value inf", data(value="inf"), "got inf"),
    (
        "data plan_pct 1e20",
        data(plan_pct="1e20"),
        "plan_pct must be a number 0.01..1000 (percent of the annual plan), got 1e+20",
    ),
    ("data plan_pct 0", data(plan_pct=0), "plan_pct must be a number 0.01..1000"),
    ("data yoy_pct 1e6", data(yoy_pct="1e6"), "yoy_pct must be a number -100..10,000 (percent growth), got 1000000.0"),
    (
        "data rate 250%",
        lambda t: ["compare", "--data", facts_csv(t, metric="industrial_start_rate", unit="%", value=250, plan_pct="")],
        "industrial_start_rate value must be a number 0..100 %",
    ),
    ("data months 13", data(months=13), "row 1: months must be a whole number 1..12, got 13"),
    ("plans 1e308", plans("2015,公安县,projects_100m,1e308"), f"plans.csv line 2: plan {PLAN} 个, got '1e308'"),
    ("plans 1e-300", plans("2015,公安县,projects_100m,1e-300"), f"plan {PLAN} 个, got '1e-300'"),
    (
        "plans year 99999999999",
        plans("99999999999,公安县,projects_100m,30"),
        "line 2: year must be a whole number 1990..2100",
    ),
    ("report plans 1e308", plans("2015,公安县,projects_100m,1e308", ("report",)), f"plan {PLAN} 个"),
    (
        "profile share 60",
        profile("7,60\n12,100\n", "--method", "seasonal_share"),
        "profile.csv line 2: share must be a number in (0, 1] (the cumulative share of the year, 0.6 for 60%), got 60",
    ),
    ("profile share 1.2", profile("7,0.6\n12,1.2\n"), "line 3: share must be a number in (0, 1]"),
    (
        "backtest actual inf",
        lambda t: ["backtest", backtest_csv(t, "inf")],
        "backtest.csv line 2: actual must be a number 0..1,000,000 个, got inf",
    ),
    (
        "backtest actual 1e308",
        lambda t: ["backtest", backtest_csv(t, "1e308")],
        "actual must be a number 0..1,000,000 个",
    ),
]


@pytest.mark.parametrize("name, argv, fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_table(tmp_path, capsys, name, argv, fragment):
    got, out, err = run_main(argv(tmp_path) if callable(argv) else argv, capsys)
    assert got == 2, err
    assert_one_line(err, fragment.replace("{tmp}", str(tmp_path)))
    assert out == ""


@pytest.mark.parametrize(
    "setup, argv, status, fragment",
    MANIFEST_CASES,
    ids=[f"{c[0].__name__ if c[0] else 'none'}-{c[1][0]}" for c in MANIFEST_CASES],
)
def test_manifest_table(raw, capsys, setup, argv, status, fragment):
    if setup:
        setup(raw)
    before = {p.name: p.read_bytes() for p in raw.iterdir() if p.is_file() and not p.is_symlink()}
    got, _out, err = run_main([a.replace("{raw}", str(raw)) for a in argv], capsys)
    assert got == status, err
    assert_one_line(err, fragment)
    # a refused `manifest` writes nothing
    assert {p.name: p.read_bytes() for p in raw.iterdir() if p.is_file() and not p.is_symlink()} == before


def test_the_manifest_command_rebuilds_what_the_errors_ask_for(raw, capsys):
    no_manifest(raw)
    assert run_main(["forecast", "--metric", "projects_100m", "--json"], capsys)[0] == 2
    status, out, _ = run_main(["manifest", str(raw)], capsys)
    assert status == 0 and "added: b.txt" in out and "1 file recorded (1 added, 0 kept, 0 updated, 0 dropped)" in out
    recorded = json.loads((raw / "manifest.json").read_text(encoding="utf-8"))["files"]["b.txt"]
    assert recorded["sha256"] == hashlib.sha256(SENTENCE.encode()).hexdigest()
    status, out, _ = run_main(
        ["forecast", "--metric", "projects_100m", "--year", "2015", "--as-of", "7", "--json"], capsys
    )
    assert status == 0 and json.loads(out)["ytd"] == 174
    # an edit is refused until it is accepted on purpose
    raw_file_edited(raw)
    assert run_main(["manifest"], capsys)[0] == 2
    status, out, _ = run_main(["manifest", "--accept-changes"], capsys)
    assert status == 0 and "updated: b.txt" in out
    status, out, _ = run_main(
        ["forecast", "--metric", "projects_100m", "--year", "2015", "--as-of", "7", "--json"], capsys
    )
    assert json.loads(out)["ytd"] == 175


def test_a_malformed_manifest_is_written_anew_keeping_nothing_it_cannot_read(raw, capsys):
    manifest_files_as_list(raw)
    status, out, err = run_main(["manifest"], capsys)
    assert status == 0 and "written anew" in err and "added: b.txt" in out
    assert run_main(["extract", str(raw)], capsys)[0] == 0


def test_the_seed_manifest_rebuilt_is_the_committed_one(tmp_path, capsys):
    folder = tmp_path / "raw"
    shutil.copytree(settings.RAW_DIR, folder)
    assert run_main(["manifest", str(folder)], capsys)[0] == 0
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == json.loads(
        settings.MANIFEST_PATH.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    "sentence, said",
    [
        ("全市新引进亿元以上项目1111111111111111111个。", "a number of more than 15 digits is not a bulletin's figure"),
        ("全市新引进亿元以上项目100000000000000000个。", "a number of more than 15 digits is not a bulletin's figure"),
        ("全市新引进亿元以上项目1234567890个。", "is beyond any plausible figure of a bulletin"),
        ("全市新引进亿元以上项目174个，完成全年计划的99999999999999999999%。", "a number of more than 15 digits"),
        (
            "全市新引进亿元以上项目174个，完成全年计划的99999%。",
            "a plan share of 99999% is not plausible (allowed: 0–1000%)",
        ),
    ],
)
def test_implausible_figures_in_a_bulletin_are_not_read_and_said_so(tmp_path, capsys, sentence, said):
    # the extractor drops them with a warning; the facts check (bounds per unit) stands behind it
    status, out, err = run_main(["extract", bulletin(tmp_path, "荆州市2015年1-7月" + sentence), "--json"], capsys)
    assert status == 0 and said in err
    records = json.loads(out)
    assert all(r["value"] <= 1_000_000 and (r["plan_pct"] is None or r["plan_pct"] <= 1000) for r in records)
    assert [r["value"] for r in records] == ([174] if "174个" in sentence else [])


@pytest.mark.parametrize("value", ["１２", "1_000", "٣", "300_0"])
def test_a_plan_is_written_in_ascii_digits_like_every_other_number(capsys, value):
    # Python's float() reads full-width and Arabic-Indic digits and underscores; no option takes them
    status, out, err = run_main(["report", "--plan", f"projects_100m={value}", "--out", "/nonexistent/x"], capsys)
    assert status == 2 and out == ""
    assert_one_line(err, f"--plan 'projects_100m={value}': the plan must be a number 0.01..1,000,000")
    status, _, err = run_main(["forecast", "--dispersion", value], capsys)
    assert status == 2 and "--dispersion: must be a number 0..1" in err


# --- the error boundary itself ------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--debug", "extract", "/nope"], ["extract", "/nope", "--debug"]])
def test_debug_global_or_per_command_shows_the_traceback_with_the_same_status(capsys, argv):
    status, _, err = run_main(argv, capsys)
    assert status == 2
    assert "Traceback" in err and "InputError: no such file or folder: /nope" in err


def test_without_debug_a_bug_is_one_line_and_status_1(capsys, monkeypatch):
    import jzanalysis.dataset

    def broken(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr(jzanalysis.dataset, "read_facts_csv", broken)
    status, _out, err = run_main(["forecast", "--data", "x.csv", "--metric", "projects_100m"], capsys)
    assert status == 1
    assert_one_line(
        err,
        "jzanalysis forecast: internal error (a bug, please report it): ZeroDivisionError: division by zero; run again with --debug",
    )


def test_a_full_disk_on_stdout_is_one_line_and_status_1(capsys, monkeypatch):
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - every write: ENOSPC, a real one
    monkeypatch.setattr(sys, "stdout", full)
    try:
        status = cli.main(["extract", str(SEED), "--json"])
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):
            full.close()
    err = capsys.readouterr().err
    assert status == 1
    error_lines = [line for line in err.splitlines() if not line.startswith("#")]
    assert error_lines == ["jzanalysis extract: error: No space left on device; free some space and run again"]


def test_an_output_encoding_that_cannot_say_it_is_one_line(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    status = cli.main(["extract", str(SEED)])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 1
    assert [line for line in err.splitlines() if not line.startswith("#")][-1].endswith(
        "in the output's encoding (ascii); set PYTHONIOENCODING=utf-8"
    )


def test_an_encoding_error_from_a_file_name_says_so():
    try:
        json.dumps({"source": os.fsdecode(b"/data/b\xff.txt")}, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        line = encoding_line(exc)
    assert line.startswith("a file name that is not valid UTF-8 cannot be written (")
    assert "/data/b\\\\xff.txt" in line and line.endswith("; rename the file")


def test_a_file_name_that_is_not_utf8_is_named_with_escapes_in_json(tmp_path, capsys):
    name = os.fsdecode(b"b\xff\xfe.txt")  # as Python sees a name written in another encoding
    shutil.copy(SEED, tmp_path / name)
    status, out, err = run_main(["extract", str(tmp_path / name), "--json"], capsys)
    assert status == 0, err
    records = json.loads(out)
    assert {r["source"] for r in records} == {"b\\xff\\xfe.txt"} and len(records) == 33


def test_a_real_sigint_is_status_130_without_a_traceback(capsys, monkeypatch):
    import jzanalysis.dataset

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # the real signal; Python's handler turns it into KeyboardInterrupt
        time.sleep(5)
        raise AssertionError("SIGINT was not delivered")

    monkeypatch.setattr(jzanalysis.dataset, "load_bulletins", interrupted)
    status, _out, err = run_main(["compare"], capsys)
    assert status == 130
    assert_one_line(err, "jzanalysis compare: interrupted")


def test_a_real_sigterm_unwinds_with_status_143_and_the_handler_is_restored(tmp_path, capsys, monkeypatch):
    import jzanalysis.dataset

    cleaned = []

    def terminated(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
            raise AssertionError("SIGTERM was not delivered")
        finally:
            cleaned.append(True)  # what a temporary folder's context manager does on the way out

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(jzanalysis.dataset, "load_bulletins", terminated)
    status, _out, err = run_main(["compare"], capsys)
    assert status == 143 and cleaned == [True]
    assert_one_line(err, "jzanalysis compare: terminated")
    assert signal.getsignal(signal.SIGTERM) == before


def test_an_out_folder_created_for_a_run_that_failed_is_removed(tmp_path, capsys):
    out = tmp_path / "new" / "reports"
    status, _, err = run_main(["report", "--out", str(out), "--source", "no/such.txt"], capsys)
    assert status == 2 and "no such file or folder" in err
    assert not out.exists()


# --- real processes: the console script, signals, read-only and full file systems -----------------------


def run(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([JZ, *args], capture_output=True, text=True, timeout=120, env=env, **kwargs)


def test_the_console_script_refuses_a_missing_manifest_in_one_line(tmp_path):
    # the installed `jzanalysis` script, with its data folder from the environment (JZ_DATA_DIR is read when the
    # package is imported, so only a new process sees it); the other manifest cases run in-process above
    (tmp_path / "raw").mkdir()
    shutil.copy(SEED, tmp_path / "raw" / SEED.name)
    proc = run("forecast", "--metric", "projects_100m", env={**os.environ, "JZ_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert_one_line(proc.stderr, "jzanalysis forecast: error: ")
    assert "manifest.json is missing" in proc.stderr


def _many_bulletins(tmp_path, n=300) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(n):
        shutil.copy(SEED, folder / f"{i:03d}.txt")
    return folder


@pytest.mark.parametrize(
    "sig, status, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_to_the_real_process_is_one_line(tmp_path, sig, status, word):
    folder = _many_bulletins(tmp_path)  # 300 bulletins: tens of seconds of extraction to interrupt
    proc = subprocess.Popen([JZ, "extract", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert_one_line(err, f"jzanalysis extract: {word}")
    assert out == ""


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount a private file system")


def _in_private_mount(tmp_path, options: str, script: str) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with a tmpfs mounted on tmp/mnt with ``options``, in a mount namespace of its own:
    the mount is gone with the process, nothing leaks to the machine."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    command = f"mount -t tmpfs -o {options} tmpfs {mnt} && cd {mnt} && {script}"
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MNT": str(mnt)},
    )


@needs_mount
def test_a_read_only_file_system_for_out_is_one_line(tmp_path):
    proc = _in_private_mount(tmp_path, "ro,size=1m", f"{JZ} report --out $MNT/reports")
    assert proc.returncode == 2, proc.stderr
    assert_one_line(
        proc.stderr, "reports cannot hold the reports (Read-only file system); allowed: a folder you can write"
    )


@needs_mount
def test_a_full_file_system_for_a_manifest_is_one_line_and_leaves_the_old_one(tmp_path, capsys):
    # the raw folder on a 64 KB file system already full: writing the manifest fails with ENOSPC
    prepared = tmp_path / "prepared" / "raw"  # the seed and its manifest, written here in-process
    prepared.mkdir(parents=True)
    shutil.copy(SEED, prepared)
    assert run_main(["manifest", prepared], capsys)[0] == 0
    script = (
        f"cp -r {prepared} raw && cp raw/manifest.json ../before.json && "
        f"cp {SEED} raw/new.txt && head -c 200000 /dev/zero > filler 2>/dev/null; "
        f"{JZ} manifest raw; echo status=$?; cmp raw/manifest.json ../before.json && echo same; ls -A raw"
    )
    proc = _in_private_mount(tmp_path, "size=64k", script)
    assert "status=1" in proc.stdout, proc.stdout + proc.stderr
    assert_one_line(proc.stderr, "jzanalysis manifest: error: No space left on device")
    assert "same" in proc.stdout  # the old manifest is whole, and no temporary file is left beside it
    assert proc.stdout.split("same", 1)[1].split() == sorted([SEED.name, "manifest.json", "new.txt"])


@pytest.mark.slow
@needs_mount
def test_a_report_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    # the report's outputs (HTML, PDF and notebook: about 1 MB) do not fit on a 300 KB file system
    proc = _in_private_mount(
        tmp_path, "size=300k", f"{JZ} report --out $MNT/reports --format html; echo status=$?; ls -A $MNT/reports"
    )
    assert "status=1" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("jzanalysis report:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], proc.stderr
    listing = proc.stdout.split("status=1", 1)[1].split()
    assert not any(name.endswith((".html", ".pdf", ".ipynb")) for name in listing), listing


# --- properties: nothing generated gets through as anything but a result or one InputError --------------

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1e-300, 1e308, 99999999999, 1990, 2100, 0.5, 1, 11, 12, 13]),
)
VALUES = st.one_of(NUMBERS, st.text(max_size=8), st.none(), st.lists(st.integers(), max_size=2), st.booleans())
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "year",
            "as_of_month",
            "dispersion",
            "plans",
            "metrics",
            "compare_metric",
            "methods",
            "region",
            "language",
            "county_plans",
            "colour",
        ]
    ),
    st.one_of(
        VALUES, st.dictionaries(st.sampled_from(["projects_100m", "funds_in_place", "nope"]), VALUES, max_size=2)
    ),
    max_size=5,
)


@hsettings(max_examples=150, deadline=None)
@given(PARAMS)
def test_no_parameter_set_escapes_as_anything_but_one_input_error(values):
    from jzanalysis.params import ReportParams

    try:
        params = ReportParams.build(**values)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    if params.dispersion is not None:
        assert 0 <= params.dispersion <= 1
    if params.year is not None:
        assert 1990 <= params.year <= 2100
    assert all(0.01 <= plan <= 1e6 for plan in params.plans.values())


CLI_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(["0", "1e308", "1e-300", "99999999999", "2015", "7", "0.25", "", "x", "-0"]),
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=CLI_NUMBERS,
    plan_pct=CLI_NUMBERS,
    year=CLI_NUMBERS,
    months=CLI_NUMBERS,
    option=st.sampled_from(["--dispersion", "--plan", "--year", "--as-of"]),
    option_value=CLI_NUMBERS,
    metric=st.sampled_from(["projects_100m", "funds_in_place"]),
)
def test_no_generated_facts_or_options_make_a_traceback(
    tmp_path, capsys, value, plan_pct, year, months, option, option_value, metric
):
    data = facts_csv(
        tmp_path,
        value=value,
        plan_pct=plan_pct,
        year=year,
        months=months,
        metric=metric,
        unit="个" if metric == "projects_100m" else "亿元",
    )
    status, out, err = run_main(
        ["forecast", "--data", data, "--metric", metric, option, option_value, "--json"], capsys
    )
    assert status in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err
    else:
        result = json.loads(out)
        lo, hi = result["forecast"]["interval95"]
        assert lo <= hi and result["ytd"] <= hi


PIECES = st.sampled_from(
    [
        "全市",
        "新引进",
        "亿元以上项目",
        "个",
        "亿元",
        "实际到位资金",
        "完成全年计划的",
        "%",
        "％",
        "增长",
        "同比",
        "1-7月",
        "截至7月31日",
        "2015年",
        "二〇一五年",
        "公安县",
        "江陵县",
        "荆州开发区",
        "，",
        "。",
        "、",
        "（",
        "）",
        "近",
        "逾",
        "约",
        "万",
        "倍",
        "\n",
        " ",
        "<p>",
        "</p>",
        "<span>",
        "</span>",
        "<b>",
        "<br>",
        "发布时间:2015-09-02",
        "十",
        "百",
        "零",
        "１７４",
        "1,234",
        "3.5",
        ".",
        "-",
        "—",
        "其中",
        "10亿元以上项目",
        "开工率",
    ]
)
BULLETIN_TEXT = st.lists(
    st.one_of(PIECES, st.integers(min_value=0, max_value=10**25).map(str), st.text(max_size=3)), max_size=40
).map("".join)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=BULLETIN_TEXT, html=st.booleans())
def test_no_generated_bulletin_file_makes_extract_fail_but_in_one_line(tmp_path, capsys, text, html):
    path = bulletin(tmp_path, f"<html><body>{text}</body></html>" if html else text, "b.html" if html else "b.txt")
    status, _out, err = run_main(["extract", path, "--json"], capsys)
    assert status in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if status == 2:
        assert len([line for line in err.splitlines() if not line.startswith("#")]) == 1, err


# --- generated grids (batch.yaml): one line and status 2, never a traceback or "internal error" ------------

GRID_SCALARS = st.one_of(
    NUMBERS,
    st.text(max_size=6),
    st.none(),
    st.booleans(),
    st.sampled_from(["each-county", "each-bulletin", "荆州市", "江陵县", "zh", "en", "projects_100m", "html", "pdf"]),
    st.sampled_from([str(SEED), "data/raw/", "../../../../etc/passwd", "", "/dev/null", "missing.csv"]),
)
GRID_VALUES = st.recursive(
    GRID_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(["projects_100m", "funds_in_place", "nope"]), st.text(max_size=3)),
            inner,
            max_size=2,
        ),
    ),
    max_leaves=6,
)
GRID_PARAMETER = st.sampled_from(
    [
        "source",
        "year",
        "as_of_month",
        "region",
        "metrics",
        "compare_metric",
        "methods",
        "dispersion",
        "sigma",
        "plans",
        "county_plans",
        "language",
        "formats",
        "colour",
    ]
)
GRID_NOTEBOOK = st.one_of(
    st.sampled_from(["report.ipynb", "county.ipynb", "audit.ipynb", "counties.ipynb"]),
    st.sampled_from(["nope.ipynb", "../../../../etc/passwd", "../../../../etc/x.ipynb"]),
    GRID_SCALARS,
)
GRID_MAPPING = st.dictionaries(GRID_PARAMETER, GRID_VALUES, max_size=3)
GRID_RUN = st.one_of(
    st.sampled_from(["report.ipynb", "audit.ipynb"]),
    st.fixed_dictionaries(
        {"notebook": GRID_NOTEBOOK},
        optional={
            "vary": st.one_of(GRID_MAPPING, GRID_SCALARS),
            "params": st.one_of(GRID_MAPPING, GRID_SCALARS),
            "formats": GRID_VALUES,
            "title": GRID_SCALARS,
            "colour": GRID_SCALARS,
        },
    ),
    GRID_SCALARS,
)
# mostly well-formed around one odd value, so the checks past the first are reached too
GRID_DATA = st.fixed_dictionaries(
    {"runs": st.one_of(st.lists(GRID_RUN, min_size=1, max_size=3), st.lists(GRID_RUN, max_size=6))},
    optional={"defaults": st.one_of(GRID_MAPPING, GRID_MAPPING, GRID_SCALARS)},
)
# YAML written by hand: anchors, aliases, tags, tabs, unclosed brackets, deep nesting
GRID_PIECES = st.lists(
    st.sampled_from(
        [
            "runs:",
            "defaults:",
            "\n",
            "  ",
            "- ",
            "report.ipynb",
            "notebook: ",
            "vary: ",
            "{",
            "}",
            "[",
            "]",
            ", ",
            ": ",
            "&a ",
            "*a",
            "<<: *a",
            "!!binary ",
            "!!python/object/apply:os.system ",
            "!!set ",
            "2015-07-01",
            "~",
            "\t",
            "'",
            '"',
            "#",
            "dispersion: ",
            "[" * 60,
            "source: ",
            "1e999",
            ".nan",
            "0x1F",
            "\ufeff",
            "\x00",
        ]
    ),
    max_size=30,
).map("".join)
GRID_HAND_WRITTEN = st.builds(
    str.__add__,
    st.sampled_from(["", "runs: [report.ipynb]\n", "runs:\n  - notebook: report.ipynb\n    ", "defaults: "]),
    GRID_PIECES,
)


def _grid_text(data) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data


@hsettings(
    max_examples=int(os.environ.get("JZ_GRID_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(grid=st.one_of(GRID_DATA, GRID_DATA, GRID_DATA, GRID_HAND_WRITTEN))
def test_no_generated_grid_escapes_as_anything_but_one_line_and_status_2(tmp_path, capsys, grid):
    from jzanalysis.batch import read_grid
    from jzanalysis.batch.grid import check_spec, expand

    path = tmp_path / "grid.yaml"
    path.write_bytes(_grid_text(grid).encode("utf-8", "surrogatepass"))
    try:
        spec = read_grid(path)
        check_spec(spec)
        expand(spec)  # what `batch` does before the first kernel: every parameter set analysed
    except InputError as exc:
        assert "\n" not in str(exc)
        event(str(exc).split(": ")[-1][:25])
    else:
        event("valid grid")
        return  # a valid grid: running it is the slow tests' business
    # refused: the command line says so in one line with status 2, and writes nothing
    out = tmp_path / "out"
    status, _out, err = run_main(["batch", path, "--out", out, "--format", "html"], capsys)
    assert status == 2, err
    assert_one_line(err, "jzanalysis batch: error: ")
    assert "internal error" not in err and not out.exists()
