"""The batch: grid, cache keys, publishing as a unit, index and manifest (fast); then real batches with
real kernels, processes and signals (slow): reproducible bytes, no state leaking between runs, a failing
notebook isolated, Ctrl-C / SIGTERM / kill -9 leaving nothing running or half-written, a resumed batch
finishing only what was left, Dask giving the same files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jzanalysis import settings
from jzanalysis.batch import (
    InlineExecutor,
    Job,
    LocalExecutor,
    monthly_grid,
    plan,
    read_grid,
    run_batch,
    run_jobs,
    write_index,
)
from jzanalysis.batch.cache import is_fresh, run_key
from jzanalysis.batch.grid import expand
from jzanalysis.errors import InputError
from jzanalysis.kernels import remove_stale_temp_dirs
from jzanalysis.params import ReportParams
from jzanalysis.runner import publish, remove_stale_staging, run_name, run_report
from tests.helpers import assert_one_line, publish_many

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
JZANALYSIS = [sys.executable, "-m", "jzanalysis.cli"]


def _jz(*argv) -> subprocess.CompletedProcess:
    """`jzanalysis ARGV` as a process of its own (a batch's workers and kernels, its signals)."""
    return subprocess.run([*JZANALYSIS, *map(str, argv)], capture_output=True, text=True, timeout=300)


COUNTIES = {"公安县", "监利县", "石首市", "荆州开发区", "沙市区", "荆州区", "洪湖市", "松滋市", "江陵县"}


def _grid(tmp_path: Path, text: str, name: str = "grid.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _run_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


# --- the grid ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_jobs():
    return plan(read_grid(settings.REPO_ROOT / "batch.yaml"))[0]


def test_shipped_grid_is_the_monthly_set(shipped_jobs):
    # report, two scenarios, the comparison, nine one-pagers, the audit; no look-back with one bulletin
    assert len(shipped_jobs) == 14
    notebooks = [j.notebook for j in shipped_jobs]
    assert notebooks.count("report.ipynb") == 3 and notebooks.count("county.ipynb") == 9
    assert {j.params.region for j in shipped_jobs if j.notebook == "county.ipynb"} == COUNTIES
    assert {j.params.dispersion for j in shipped_jobs if j.notebook == "report.ipynb"} == {None, 0.1, 0.5}
    assert all((j.params.year, j.params.as_of_month) == (2015, 7) for j in shipped_jobs)
    assert shipped_jobs[0].stem == "forecast_2015_m07" and shipped_jobs[1].stem == "forecast_2015_m07_phi0.1"
    # every run its own name; the names carry the parameters' hash
    assert len({j.name for j in shipped_jobs}) == 14
    assert all(re.fullmatch(r".+-[0-9a-f]{8}", j.name) for j in shipped_jobs)
    # the headline the index shows: 174 projects by July as the bulletin says, and the default forecast as
    # `jzanalysis forecast` gives it
    from jzanalysis.pipeline import analyse

    f = analyse(shipped_jobs[0].params).forecasts["projects_100m"].forecast
    text = dict(shipped_jobs[0].headline)["新引进亿元以上项目"]
    # the report's own words and rounding: median 267, 80% 232–312, P(meet plan) 0.819 → 80%
    assert round(f.point) == 267
    assert text == "1-7月 174个；预计可以完成全年计划（把握约80%）；267个（80% 232–312个）"
    assert dict(shipped_jobs[0].headline)["发布日期"] == "2015-09-02"


def test_command_line_flags_describe_the_same_set_without_a_grid():
    spec = monthly_grid(scenarios=(0.0, 0.1, 0.5))
    jobs, _ = expand(spec)
    assert len(jobs) == 15  # 1 + 3 scenarios + 1 + 9 + 1
    assert len(expand(monthly_grid(counties=False, audit=False))[0]) == 1


def test_look_back_gives_one_report_per_bulletin(tmp_path):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    seed = settings.SEED_BULLETIN.read_text(encoding="utf-8")
    (folder / "2015-07.txt").write_text(seed, encoding="utf-8")
    june = seed.replace("1-7月", "1-6月").replace("截至7月", "截至6月")
    (folder / "2015-06.txt").write_text(june, encoding="utf-8")
    grid = _grid(
        tmp_path,
        f"defaults: {{source: {folder}}}\nruns:\n  - notebook: report.ipynb\n    vary: {{source: each-bulletin}}\n",
    )
    jobs, _ = expand(read_grid(grid))
    assert sorted((Path(j.params.source).name, j.params.as_of_month) for j in jobs) == [
        ("2015-06.txt", 6),
        ("2015-07.txt", 7),
    ]
    assert sorted(j.stem for j in jobs) == ["forecast_2015_m06", "forecast_2015_m07"]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "runs:\n  - notebook: report.ipynb\n    vary: {dispersion: [0, .nan]}\n",
            "dispersion must be a finite number",
        ),
        (
            "runs:\n  - notebook: report.ipynb\n    vary: {dispersion: [-1]}\n",
            "dispersion must be a number 0..1, got -1",
        ),
        ("runs:\n  - notebook: nope.ipynb\n", "no notebook 'nope.ipynb'"),
        ("runs:\n  - notebook: report.ipynb\n    colour: red\n", "unknown key 'colour'"),
        ("runs: []\n", "non-empty list `runs:`"),
        ("defaults: {source: missing/}\nruns: [report.ipynb]\n", "no such file or folder"),
        ("defaults: {formats: [docx]}\nruns: [report.ipynb]\n", "unknown report format 'docx'"),
        ("runs: [report.ipynb\n", "not a readable YAML grid"),
    ],
)
def test_a_bad_grid_is_refused_before_anything_runs(tmp_path, text, message):
    grid = _grid(tmp_path, text)
    with pytest.raises(InputError, match=re.escape(message)):
        plan(read_grid(grid))


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


@pytest.mark.parametrize(
    "text, message",
    [
        # 9^9 = 387,420,489 strings once expanded: refused at the first alias, before any hashing
        (BILLION_LAUGHS + "runs: [report.ipynb]\n", "line 2: anchors and aliases (&name, *name) are not allowed"),
        ("defaults: &d {x: *d}\nruns: [report.ipynb]\n", "anchors and aliases (&name, *name) are not allowed"),
        ("runs: [report.ipynb]\ndefaults: {region: " + "[" * 5000 + "]" * 5000 + "}\n", "nested deeper than 20"),
        ("defaults: {source: 5}\nruns: [report.ipynb]\n", "source must be a path (text), got 5"),
        (
            "runs:\n  - notebook: report.ipynb\n    vary: {dispersion: [true]}\n",
            "dispersion must be a number, got True",
        ),
        ("runs:\n  - notebook: report.ipynb\n    params: {year: '2015'}\n", "year must be a whole number"),
        ("runs:\n  - notebook: report.ipynb\n    params: {colour: red}\n", "unknown parameter 'colour'"),
        # 1000 × 1000 = 10⁶ runs: refused in one line at once, not minutes of planning
        (
            "runs:\n  - notebook: report.ipynb\n    vary:\n"
            f"      dispersion: {[round(i / 1000, 3) for i in range(1000)]}\n"
            f"      sigma: {[round(i / 1000, 3) for i in range(1000)]}\n",
            "the grid asks for 1,000,000 runs (run 1: 1000 × 1000); at most 1,000 (--max-runs N allows more)",
        ),
        ("runs:\n  - notebook: ../../../../../../../../etc/passwd\n", "must be the name of a .ipynb file"),
        (
            "runs:\n  - notebook: ../../../../../../../../etc/x.ipynb\n",
            "no notebook '../../../../../../../../etc/x.ipynb'",
        ),
        ("runs:\n  - notebook: {FIXTURES}/slow.ipynb\n", "no notebook"),  # outside the grid's folder
        ("runs:\n  - notebook: secret.ipynb\n", "'secret.ipynb' is not a Jupyter notebook (.ipynb JSON with cells)"),
        ("runs: [report.ipynb]\nnotebooks: 7\n", "`notebooks:` must name a folder, got 7"),
    ],
    ids=[
        "billion laughs",
        "self-reference",
        "5000 deep",
        "source 5",
        "dispersion true",
        "year as text",
        "unknown parameter",
        "a million runs",
        "etc passwd",
        "outside ipynb",
        "absolute outside",
        "not a notebook",
        "notebooks not a folder",
    ],
)
def test_a_hostile_grid_is_one_line_and_status_2_before_anything_is_hashed(tmp_path, jz, text, message):
    (tmp_path / "secret.ipynb").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    grid = _grid(tmp_path, text.replace("{FIXTURES}", str(FIXTURES)))
    out = tmp_path / "out"
    started = time.monotonic()
    err = jz("batch", grid, "--out", out, "--format", "html", status=2)[1]
    assert time.monotonic() - started < 10  # the billion laughs took 42 s of CPU, then a MemoryError
    assert_one_line(err, message)
    assert "root:x" not in err  # what a file holds is never printed
    assert not out.exists()


def test_max_runs_raises_the_cap(tmp_path):
    text = "runs:\n  - notebook: report.ipynb\n    vary:\n      dispersion: [0.1, 0.2, 0.3]\n"
    with pytest.raises(InputError, match="asks for 3 runs"):
        read_grid(_grid(tmp_path, text), max_runs=2)
    assert len(read_grid(_grid(tmp_path, text), max_runs=3).runs) == 1


def test_notebooks_come_from_the_folder_the_grid_names(tmp_path):
    grid = _grid(tmp_path, f"notebooks: {FIXTURES}\nruns:\n  - slow.ipynb\n  - report.ipynb\n")
    spec = read_grid(grid)
    assert [Path(r["notebook_path"]) for r in spec.runs] == [
        FIXTURES / "slow.ipynb",
        settings.NOTEBOOKS_DIR / "report.ipynb",
    ]


@pytest.mark.parametrize(
    "argv", [["--scenario-dispersion", "0", "nan"], ["--dispersion", "inf"]], ids=["scenario nan", "inf"]
)
def test_cli_refuses_nan_up_front_and_writes_nothing(tmp_path, jz, argv):
    out = tmp_path / "out"
    err = jz("batch", *argv, "--out", out, status=2)[1]
    assert_one_line(err, "must be a number 0..1")
    assert not out.exists()


def test_cli_refuses_an_out_that_is_a_file(tmp_path, jz):
    target = tmp_path / "a-file"
    target.write_text("x")
    assert "is a file" in jz("batch", "--out", target, status=2)[1]
    assert target.read_text() == "x"


@pytest.mark.parametrize("command", ["batch", "report"])
@pytest.mark.parametrize("inside", [".", "reports", "a/b"])
def test_an_out_folder_inside_the_source_folder_is_refused_in_one_line(tmp_path, jz, command, inside):
    # the next run would read the generated index.html as a bulletin, and nothing would ever be cached
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(settings.SEED_BULLETIN, folder / "seed.txt")
    out = folder / inside
    err = jz(command, "--source", folder, "--out", out, "--format", "html", status=2)[1]
    assert_one_line(err, f"is inside the source folder {folder}: the reports would be read as bulletins")
    assert sorted(p.name for p in folder.iterdir()) == ["seed.txt"]  # nothing written, nothing left


def test_a_grid_whose_source_folder_holds_the_out_folder_is_refused(tmp_path, jz):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(settings.SEED_BULLETIN, folder / "seed.txt")
    grid = _grid(tmp_path, "runs:\n  - notebook: audit.ipynb\n    params: {source: bulletins}\n")
    err = jz("batch", grid, "--out", folder / "reports", status=2)[1]
    assert_one_line(err, "is inside the source folder")


def test_an_interrupted_batch_says_which_signal_stopped_it():
    from jzanalysis.batch import BatchResult
    from jzanalysis.cli.output import interrupted_line as _interrupted_line

    jobs = [Job("audit.ipynb", {"source": "x"}, "audit", "t", name=f"audit-{n}", canonical={}) for n in range(3)]
    line = _interrupted_line(BatchResult(jobs=jobs, out_dir=Path("."), done=jobs[:1], interrupted=signal.SIGTERM))
    assert line == "terminated: 1 of 3 runs published, 2 left; run the same command again to finish them"
    assert _interrupted_line(BatchResult(jobs=jobs, out_dir=Path("."), interrupted=signal.SIGINT)).startswith(
        "interrupted: 0 of 3"
    )


def test_a_run_of_other_formats_is_a_folder_of_its_own():
    # `report --format html` after `report` must not replace the folder (and remove its PDF): another name
    params = ReportParams.build(year=2015, as_of_month=7)
    both = Job("report.ipynb", params, "forecast_2015_m07", "t", ("html", "pdf"))
    html = Job("report.ipynb", params, "forecast_2015_m07", "t", ("html",))
    pdf = Job("report.ipynb", params, "forecast_2015_m07", "t", ("pdf",))  # a PDF needs the HTML: the same set
    assert html.name != both.name and pdf.name == both.name
    # the default set keeps the name it always had (published folders stay valid)
    assert both.name == run_name("forecast_2015_m07", "report.ipynb", params)


# --- names, keys, publishing ------------------------------------------------------------------------


def test_different_parameters_never_share_a_name():
    a = ReportParams.build(year=2015, as_of_month=7)
    b = ReportParams.build(year=2015, as_of_month=7, dispersion=0.0)
    assert run_name("forecast_2015_m07", "report.ipynb", a) != run_name("forecast_2015_m07", "report.ipynb", b)
    assert run_name("forecast_2015_m07", "report.ipynb", a) == run_name(
        "forecast_2015_m07", "report.ipynb", ReportParams.build(year=2015, as_of_month=7)
    )
    assert run_name("x", "report.ipynb", a) != run_name("x", "counties.ipynb", a)


def test_a_new_bulletin_changes_only_the_keys_of_runs_that_read_it(tmp_path):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(settings.SEED_BULLETIN, folder / "seed.txt")
    reads_folder = Job("audit.ipynb", ReportParams.build(source=str(folder), year=2015, as_of_month=7), "audit", "t")
    reads_file = Job(
        "audit.ipynb", ReportParams.build(source=str(folder / "seed.txt"), year=2015, as_of_month=7), "audit", "t"
    )
    before = run_key(reads_folder)[0], run_key(reads_file)[0]
    (folder / "new.txt").write_text("1-8月全市新引进亿元以上项目190个。", encoding="utf-8")
    after = run_key(reads_folder)[0], run_key(reads_file)[0]
    assert before[0] != after[0] and before[1] == after[1]
    # the bulletins, then the analyst's corrections file (data/corrections.yaml): a run reads it too
    assert [i["path"].rsplit("/", 1)[-1] for i in run_key(reads_folder)[1]] == [
        "new.txt",
        "seed.txt",
        "corrections.yaml",
    ]


def _audit_job(source) -> Job:
    return Job("audit.ipynb", ReportParams.build(source=str(source), year=2015, as_of_month=7), "audit", "t")


def test_the_key_covers_region_profiles_calibration_templates_and_every_byte_read(tmp_path, monkeypatch):
    # each of these changes a byte of some report, so each must change every run's key
    job = _audit_job(settings.SEED_BULLETIN)
    keys = [run_key(job)[0]]
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    profile = profiles / "测试市.toml"
    profile.write_text('name = "测试市"\n', encoding="utf-8")
    monkeypatch.setenv("JZ_REGIONS_DIR", str(profiles))
    keys.append(run_key(job)[0])
    profile.write_text('name = "测试市"\nprovince = "湖北省"\n', encoding="utf-8")  # a profile edited
    keys.append(run_key(job)[0])
    from jzanalysis.forecast.calibration import ENV_VAR

    calibration = tmp_path / "calibration.json"
    calibration.write_text('{"id": "a"}', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(calibration))
    keys.append(run_key(job)[0])
    calibration.write_text('{"id": "b"}', encoding="utf-8")  # the calibration edited: same size, new bytes
    keys.append(run_key(job)[0])
    template = tmp_path / "jupyter" / "nbconvert" / "templates" / "basic" / "index.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text("{% extends 'base.html.j2' %}\n", encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # a template nbconvert would use
    keys.append(run_key(job)[0])
    template.write_text("{% extends 'base.html.j2' %}\n<!-- x -->\n", encoding="utf-8")
    keys.append(run_key(job)[0])
    assert len(set(keys)) == len(keys) == 7


def test_an_input_rewritten_with_its_old_size_and_time_changes_the_key(tmp_path):
    bulletin = tmp_path / "b.txt"
    bulletin.write_text("1-7月全市新引进亿元以上项目174个。", encoding="utf-8")
    before = run_key(_audit_job(bulletin))
    times = bulletin.stat()
    bulletin.write_text("1-7月全市新引进亿元以上项目175个。", encoding="utf-8")  # same length in bytes
    os.utime(bulletin, ns=(times.st_atime_ns, times.st_mtime_ns))  # and the old modification time
    after = run_key(_audit_job(bulletin))
    assert before[0] != after[0]
    assert after[1][0]["sha256"] == hashlib.sha256(bulletin.read_bytes()).hexdigest()


class _Publishes(InlineExecutor):
    """Stands in for the kernels (the point is what the batch does with a result): each task's result is a
    small HTML page; ``during`` runs while the "kernel" works."""

    def __init__(self, during=None) -> None:
        self.during = during

    def run(self, tasks, on_start, on_result):
        for task in tasks:
            on_start(task)
            if self.during:
                self.during()
            on_result(task, {"ok": True, "files": {"html": f"<p>{task['name']}</p>".encode()}, "seconds": 0})


def test_an_input_moved_away_and_back_during_the_run_is_not_published(tmp_path):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(settings.SEED_BULLETIN, folder / "a.txt")
    (folder / "b.txt").write_text("2015年1-8月，全市新引进亿元以上项目190个。", encoding="utf-8")
    params = ReportParams.build(source=str(folder), year=2015, as_of_month=7)
    job = Job("slow.ipynb", params, "slow", "t", ("html",), FIXTURES / "slow.ipynb")

    def move_away_and_back():  # the kernel reads the folder while b.txt is away: it sees one file
        os.rename(folder / "b.txt", tmp_path / "b.txt")
        time.sleep(0.01)
        os.rename(tmp_path / "b.txt", folder / "b.txt")

    result = run_jobs([job], tmp_path / "out", executor=_Publishes(move_away_and_back))
    assert result.exit_status == 1 and result.done == []
    assert (
        result.failed[0][1]
        == f"failed: {job.describe()}: InputChanged: {folder / 'b.txt'} changed during the run; run again"
    )
    assert _run_folders(tmp_path / "out") == []
    again = run_jobs([job], tmp_path / "out", executor=_Publishes())  # nothing moves: published
    assert again.exit_status == 0 and _run_folders(tmp_path / "out") == [job.name]


def test_runs_dropped_from_the_grid_leave_the_index_and_the_manifest(tmp_path):
    out = tmp_path / "out"

    def job(region: str) -> Job:
        params = ReportParams.build(source=str(settings.SEED_BULLETIN), year=2015, as_of_month=7, region=region)
        return Job("slow.ipynb", params, f"run_{region}", region, ("html",), FIXTURES / "slow.ipynb")

    first = run_jobs([job("江陵县"), job("公安县")], out, executor=_Publishes(), owner="grid-a")
    other = run_jobs([job("洪湖市")], out, executor=_Publishes(), owner="grid-b")  # another grid, same folder
    assert first.exit_status == other.exit_status == 0 and len(_run_folders(out)) == 3
    # grid-a no longer has 公安县 (175 beside 176 in the issue: last month's run beside this month's)
    second = run_jobs([job("江陵县")], out, executor=_Publishes(), owner="grid-a")
    assert second.exit_status == 0 and len(second.cached) == 1
    assert _run_folders(out) == sorted([job("江陵县").name, job("洪湖市").name])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(run["name"] for run in manifest["runs"]) == _run_folders(out)
    assert "共 2 份报告" in (out / "index.html").read_text(encoding="utf-8")
    assert (out / ".jzanalysis" / "dropped" / job("公安县").name / "run.json").is_file()  # kept aside, not deleted


def test_shards_of_one_grid_by_month_do_not_drop_each_others_runs(tmp_path):
    from jzanalysis.batch import override

    grid = read_grid(_grid(tmp_path, "runs: [report.ipynb]\n"))
    june, july = override(grid, as_of_month=6), override(grid, as_of_month=7)
    assert len({grid.owner, june.owner, july.owner}) == 3 and override(grid, as_of_month=7).owner == july.owner


def test_publish_replaces_a_runs_files_as_one_set(tmp_path):
    first = publish(tmp_path, "r-1234abcd", {"ipynb": b"{}", "html": b"<p>old</p>", "pdf": b"%PDF old"}, {"key": "k1"})
    assert first["pdf"].read_bytes() == b"%PDF old"
    publish(tmp_path, "r-1234abcd", {"ipynb": b"{}", "html": b"<p>new</p>"}, {"key": "k2"})
    folder = tmp_path / "r-1234abcd"
    # the old PDF does not stay beside the new HTML: the folder is the new set, whole
    assert sorted(p.name for p in folder.iterdir()) == ["r-1234abcd.html", "r-1234abcd.ipynb", "run.json"]
    record = json.loads((folder / "run.json").read_text())
    assert record["key"] == "k2" and record["outputs"]["html"]["sha256"] == hashlib.sha256(b"<p>new</p>").hexdigest()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".partial-")] == []
    assert is_fresh(tmp_path, "r-1234abcd", "k2") and not is_fresh(tmp_path, "r-1234abcd", "k1")
    (folder / "r-1234abcd.html").write_text("edited by hand")
    assert not is_fresh(tmp_path, "r-1234abcd", "k2")  # a changed file is not trusted


def test_concurrent_publishers_leave_one_whole_set(tmp_path):
    # four processes publish the same run 15 times each: at every moment the folder is one writer's
    # whole set (HTML and PDF of the same version, matching run.json), and no staging folder stays
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(publish_many, [(str(tmp_path), writer) for writer in range(4)]))
    folder = tmp_path / "r-1234abcd"
    record = json.loads((folder / "run.json").read_text())
    html = (folder / "r-1234abcd.html").read_bytes()
    assert (folder / "r-1234abcd.pdf").read_bytes() == b"%PDF " + html
    assert record["outputs"]["html"]["sha256"] == hashlib.sha256(html).hexdigest()
    writer, number = record["key"].split("-")
    assert html == f"<p>writer {writer} version {number}</p>".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r-1234abcd"]


def test_a_signal_just_after_the_staging_folder_is_made_leaves_no_staging_folder(tmp_path, monkeypatch):
    # the race a loaded machine hit: Ctrl-C arriving between the staging folder's mkdir and the ``try``
    # that removes it. A real SIGINT is sent the moment the folder exists; Python raises it right after.
    made = []
    original = Path.mkdir

    def mkdir_then_sigint(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.name.startswith(".partial-"):
            made.append(self)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(Path, "mkdir", mkdir_then_sigint)
    with pytest.raises(KeyboardInterrupt):
        publish(tmp_path, "r-1234abcd", {"html": b"<p>r</p>"}, {"key": "k"})
        time.sleep(5)  # not reached: the signal is handled within a few bytecodes
    monkeypatch.undo()
    assert len(made) == 1 and list(tmp_path.iterdir()) == []


def test_the_last_sweep_of_a_batch_removes_its_own_staging_folders(tmp_path):
    # a staging folder of this very process (the batch is alive, so the sweep at the start keeps it) is
    # removed by the sweep at the end, when nothing of the batch publishes any more
    own = tmp_path / f".partial-r-1234abcd-{socket.gethostname()}-{os.getpid()}-abc123"
    own.mkdir()
    result = run_jobs([], tmp_path, executor=InlineExecutor())
    assert result.exit_status == 0 and not own.exists()


def test_report_sweeps_what_killed_runs_left_even_when_its_own_input_is_bad(tmp_path, jz):
    dead = _dead_pid()
    out = tmp_path / "out"
    stale = out / f".partial-r-1234abcd-{socket.gethostname()}-{dead}-abc123"
    stale.mkdir(parents=True)
    kernel_dir = Path(f"/tmp/jzk-{dead}-kzz")
    kernel_dir.mkdir(exist_ok=True)
    empty = tmp_path / "empty.txt"
    empty.write_text("本期无数字。", encoding="utf-8")
    try:
        jz("report", "--source", empty, "--out", out, status=2)
        assert not stale.exists() and not kernel_dir.exists()
    finally:
        shutil.rmtree(kernel_dir, ignore_errors=True)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_staging_and_kernel_folders_of_dead_processes_are_removed(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".partial-r-1234abcd-{socket.gethostname()}-{dead}-abc123"
    live = tmp_path / f".partial-r-1234abcd-{socket.gethostname()}-{os.getpid()}-abc123"
    stale.mkdir()
    live.mkdir()
    (stale / "r.html").write_text("half")
    assert remove_stale_staging(tmp_path) == [stale]
    assert live.is_dir() and not stale.exists()
    kernel_dir = Path(f"/tmp/jzk-{dead}-kabc")
    other = Path("/tmp/jzk-123456")  # not ours (no pid-kind name): left alone
    kernel_dir.mkdir(exist_ok=True)
    other.mkdir(exist_ok=True)
    try:
        assert str(kernel_dir) in remove_stale_temp_dirs()
        assert not kernel_dir.exists() and other.exists()
    finally:
        shutil.rmtree(other, ignore_errors=True)
        shutil.rmtree(kernel_dir, ignore_errors=True)


def test_index_and_manifest_list_every_run_with_hashes(tmp_path):
    params = ReportParams.build(year=2015, as_of_month=7)
    publish(
        tmp_path,
        "forecast_2015_m07-aaaaaaaa",
        {"ipynb": b"{}", "html": b"<p>r</p>", "pdf": b"%PDF"},
        {
            "key": "k",
            "notebook": "report.ipynb",
            "title": "荆州市2015年1-7月招商引资进度与全年预测",
            "parameters": {"year": 2015, "as_of_month": 7},
            "headline": [["新引进亿元以上项目", "1-7月 174个"]],
            "inputs": [{"path": "data/raw/000_f5510f0c233d12e8.txt", "sha256": "d78e"}],
        },
    )
    (tmp_path / ".partial-ignored").mkdir()
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert "荆州市2015年1-7月招商引资进度与全年预测" in index and "2015年1-7月" in index and "1-7月 174个" in index
    assert 'href="forecast_2015_m07-aaaaaaaa/forecast_2015_m07-aaaaaaaa.pdf">PDF</a>' in index
    assert settings.cjk_font_family() in index  # styled like the reports: same stylesheet and font
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    outputs = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    assert (
        outputs["forecast_2015_m07-aaaaaaaa/forecast_2015_m07-aaaaaaaa.html"] == hashlib.sha256(b"<p>r</p>").hexdigest()
    )
    assert outputs["index.html"] == _sha(tmp_path / "index.html")
    assert manifest["inputs"] == [{"path": "data/raw/000_f5510f0c233d12e8.txt", "sha256": "d78e"}]
    first = (tmp_path / "index.html").read_bytes(), (tmp_path / "manifest.json").read_bytes()
    write_index(tmp_path)
    assert ((tmp_path / "index.html").read_bytes(), (tmp_path / "manifest.json").read_bytes()) == first
    assert params  # the record above is what run_jobs writes for such parameters


def test_the_index_of_an_english_batch_is_in_english_and_a_mixed_folder_in_chinese(tmp_path):
    def record(name: str, language: str) -> dict:
        parameters = {"year": 2015, "as_of_month": 7, "language": language}
        return {"key": "k", "notebook": "report.ipynb", "title": name, "parameters": parameters}

    publish(tmp_path, "forecast_2015_m07_en-aaaaaaaa", {"html": b"<p>r</p>", "ipynb": b"{}"}, record("r", "en"))
    index = write_index(tmp_path).read_text(encoding="utf-8")
    # the words of [batch_index] in en.toml: one run listed, its snapshot July 2015, its notebook's link
    assert '<html lang="en">' in index and "<h1>Reports</h1>" in index and "<p>Reports: 1. One folder each" in index
    assert "2015, months 1–7" in index and ">Notebook</a>" in index
    assert "报告目录" not in index and "笔记本" not in index
    publish(tmp_path, "forecast_2015_m07-bbbbbbbb", {"html": b"<p>r</p>"}, record("r", "zh"))
    index = write_index(tmp_path).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "<h1>报告目录</h1>" in index and "共 2 份报告" in index


KILLED_AFTER_FIRST = """
import os, signal, sys
from pathlib import Path
from jzanalysis.batch import Job, run_jobs
from jzanalysis.batch.executors import Executor
from jzanalysis.params import ReportParams

out, version, die = sys.argv[1], sys.argv[2], sys.argv[3] == "die"
params = ReportParams.build(source=sys.argv[4], year=2015, as_of_month=7)
notebook = Path(sys.argv[5])
jobs = [Job(notebook.name, params.model_copy(update={"region": r}), f"run_{r}", r, ("html",), notebook) for r in "ab"]

class PublishesThenDies(Executor):  # stands in for the kernels: the point is what the batch writes
    def run(self, tasks, on_start, on_result):
        for task in tasks:
            on_start(task)
            on_result(task, {"ok": True, "files": {"html": f"<p>{task['name']} {version}</p>".encode()}})
            if die:
                os.kill(os.getpid(), signal.SIGKILL)  # kill -9 right after the first publication

run_jobs(jobs, out, executor=PublishesThenDies(), force=True)
"""


def test_kill_9_after_a_publication_leaves_a_manifest_that_matches_the_folder(tmp_path):
    out = tmp_path / "out"
    script = tmp_path / "batch.py"
    script.write_text(KILLED_AFTER_FIRST, encoding="utf-8")

    def batch(version: str, mode: str) -> int:
        argv = [sys.executable, script, out, version, mode, settings.SEED_BULLETIN, FIXTURES / "slow.ipynb"]
        return subprocess.run(list(map(str, argv)), capture_output=True, timeout=120).returncode

    assert batch("old", "finish") == 0
    finished = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert batch("new", "die") == -signal.SIGKILL
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # every file the manifest lists has the sha256 it says (the first run's new HTML included) ...
    for item in manifest["outputs"]:
        assert _sha(out / item["path"]) == item["sha256"], item["path"]
    # ... it lists every run folder there is, and it says that the batch did not finish
    assert sorted(run["name"] for run in manifest["runs"]) == _run_folders(out)
    assert manifest["complete"] is False and finished["complete"] is True
    assert "批处理尚未完成" in (out / "index.html").read_text(encoding="utf-8")
    assert batch("new", "finish") == 0  # the next batch finishes it: complete again, the notice gone
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["complete"] is True
    assert "批处理尚未完成" not in (out / "index.html").read_text(encoding="utf-8")


# --- real batches (slow) ----------------------------------------------------------------------------


def _fixture_grid(tmp_path: Path, runs: str, formats: str = "[html]") -> Path:
    return _grid(
        tmp_path,
        f"notebooks: {FIXTURES}\ndefaults:\n  source: {settings.SEED_BULLETIN}\n  year: 2015\n  as_of_month: 7\n"
        f"  formats: {formats}\nruns:\n{runs}",
    )


@pytest.mark.slow
def test_two_cold_batches_give_byte_identical_files_and_the_same_as_a_plain_report(tmp_path, monkeypatch):
    grid = _grid(
        tmp_path,
        f"defaults:\n  source: {settings.SEED_BULLETIN}\nruns:\n  - report.ipynb\n"
        "  - notebook: county.ipynb\n    vary: {region: [江陵县, 公安县]}\n  - audit.ipynb\n",
    )
    results = [run_batch(read_grid(grid), tmp_path / name, executor=LocalExecutor(2)) for name in ("a", "b")]
    for result in results:
        assert result.exit_status == 0 and len(result.done) == 4
    a, b = tmp_path / "a", tmp_path / "b"
    assert _run_folders(a) == _run_folders(b)
    for folder in _run_folders(a):
        for path in sorted((a / folder).iterdir()):
            assert path.read_bytes() == (b / folder / path.name).read_bytes(), path.name
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    # the kernels were handed the analysis; a report run the plain way (its own kernel computing it all)
    # gives the very same bytes
    job = results[0].jobs[0]
    record = json.loads((a / job.name / "run.json").read_text())
    monkeypatch.setenv("JZ_RUN_KEY", record["key"])
    plain = run_report(job.params, tmp_path / "plain", title=job.title)
    assert plain.files["html"].read_bytes() == (a / job.name / f"{job.name}.html").read_bytes()
    assert plain.files["pdf"].read_bytes() == (a / job.name / f"{job.name}.pdf").read_bytes()
    # what the reader gets: the county's own figures (Garwood 95% for 11: 5.49–19.68), no timestamp
    county = next(j for j in results[0].jobs if j.params.region == "江陵县")
    text = _text(a / county.name / f"{county.name}.html")
    assert "精确 95% 区间 5.5–19.7" in text and "生成时间" not in text and "输入指纹" in text
    # run again unchanged: nothing executed, nothing rewritten
    before = {p: p.stat().st_mtime_ns for p in a.rglob("*.html")}
    again = run_batch(read_grid(grid), a, executor=LocalExecutor(2))
    assert len(again.cached) == 4 and again.done == [] and again.seconds < 5
    assert {p: p.stat().st_mtime_ns for p in a.rglob("*.html") if p.name != "index.html"} == {
        p: t for p, t in before.items() if p.name != "index.html"
    }


@pytest.mark.slow
def test_no_state_leaks_from_one_run_to_the_next_on_the_same_worker(tmp_path):
    grid = _fixture_grid(tmp_path, "  - notebook: leak_set.ipynb\n  - notebook: leak_check.ipynb\n")
    result = run_batch(read_grid(grid), tmp_path / "out", executor=LocalExecutor(workers=1))
    assert result.exit_status == 0
    check = next(j for j in result.jobs if j.notebook == "leak_check.ipynb")
    text = _text(result.folder(check) / f"{check.name}.html")
    for name in ("global", "module attribute", "rcParams", "pandas option", "environment", "sys.modules"):
        assert f"{name}: fresh" in text
    assert "LEAKED" not in text


@pytest.mark.slow
def test_a_failing_notebook_is_reported_in_one_line_and_the_others_are_published(tmp_path):
    grid = _fixture_grid(tmp_path, "  - notebook: fails.ipynb\n  - audit.ipynb\n")
    out = tmp_path / "out"
    done = _jz("batch", grid, "--out", out, "--workers", "2")
    assert done.returncode == 1, done.stderr
    failures = [line for line in done.stderr.splitlines() if line.startswith("failed:")]
    # the cell as JupyterLab numbers it in the source notebook, and its first line
    assert failures == ["failed: fails.ipynb [2015-07] cell 3 (ratio = 1 / 0): ZeroDivisionError: division by zero"]
    assert "1 failed" in done.stderr and "Traceback" not in done.stderr
    assert [name.split("-")[0] for name in _run_folders(out)] == ["audit_2015_m07"]  # nothing of the failed run
    assert "fails" not in (out / "index.html").read_text(encoding="utf-8")


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, grandchildren, …) from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                if handle.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                    alive.add(pid)
        except OSError:
            continue
    return alive


def _start_slow_batch(tmp_path: Path, out: Path):
    grid = _fixture_grid(tmp_path, "  - notebook: slow.ipynb\n    vary: {region: each-county}\n")
    process = subprocess.Popen(
        [*JZANALYSIS, "batch", str(grid), "--out", str(out), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wait until a first run is published and the others are under way, noting every process below it
    seen: set[int] = set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen |= _descendants(process.pid)
        if out.is_dir() and len(_run_folders(out)) >= 1:
            break
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the batch published nothing in 180 s")
    seen |= _descendants(process.pid)
    assert len(seen) >= 4  # template, two workers, kernels
    return grid, process, seen


def _assert_nothing_left(out: Path, pids: set[int]) -> None:
    deadline = time.monotonic() + 10
    while _running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(pids) == set(), "processes of the batch still running"
    published = _run_folders(out)
    time.sleep(4)  # a worker or kernel left running would publish or write something now
    assert _run_folders(out) == published
    for pid in pids:
        assert not list(Path("/tmp").glob(f"jzk-{pid}-*")) or not _running({pid})


@pytest.mark.slow
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signalled_batch_stops_everything_and_a_restart_finishes_only_what_was_left(tmp_path, signum, status):
    out = tmp_path / "out"
    grid, process, pids = _start_slow_batch(tmp_path, out)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status, stderr
    word = "interrupted:" if signum == signal.SIGINT else "terminated:"  # the README's words for each signal
    assert word in stderr and "run the same command again" in stderr and "Traceback" not in stderr
    _assert_nothing_left(out, pids)
    assert [p.name for p in out.iterdir() if p.name.startswith(".partial-")] == []
    assert list(Path("/tmp").glob(f"jzk-{process.pid}-*")) == []
    finished = len(_run_folders(out))
    assert 1 <= finished < 9
    again = _jz("batch", grid, "--out", out, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert f"9 runs: {9 - finished} done, {finished} unchanged, 0 failed" in again.stderr
    assert len(_run_folders(out)) == 9


@pytest.mark.slow
def test_kill_9_of_the_batch_takes_its_workers_and_kernels_with_it(tmp_path):
    out = tmp_path / "out"
    grid, process, pids = _start_slow_batch(tmp_path, out)
    process.kill()
    process.communicate(timeout=30)
    _assert_nothing_left(out, pids)
    # the next run removes what the killed one could not: staging folders, kernel socket folders
    (out / f".partial-x-{socket.gethostname()}-{process.pid}-abc123").mkdir()
    again = _jz("batch", grid, "--out", out, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".partial-")] == []
    for pid in pids | {process.pid}:
        assert list(Path("/tmp").glob(f"jzk-{pid}-*")) == []
    assert len(_run_folders(out)) == 9


@pytest.mark.slow
def test_a_new_bulletin_reruns_only_the_runs_that_read_the_folder(tmp_path):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(settings.SEED_BULLETIN, folder / "seed.txt")
    grid = _grid(
        tmp_path,
        f"defaults: {{year: 2015, as_of_month: 7, formats: [html]}}\nruns:\n"
        f"  - notebook: audit.ipynb\n    params: {{source: {folder}}}\n"
        f"  - notebook: audit.ipynb\n    params: {{source: {folder / 'seed.txt'}}}\n",
    )
    out = tmp_path / "out"
    first = run_batch(read_grid(grid), out, executor=LocalExecutor(2))
    assert len(first.done) == 2
    (folder / "later.txt").write_text("2015年1-8月，全市新引进亿元以上项目190个。", encoding="utf-8")
    second = run_batch(read_grid(grid), out, executor=LocalExecutor(2))
    assert [Path(j.params.source).name for j in second.done] == ["bulletins"]
    assert [Path(j.params.source).name for j in second.cached] == ["seed.txt"]
    assert second.exit_status == 0


@pytest.mark.slow
def test_dask_cluster_gives_the_same_files_as_local_workers(tmp_path):
    distributed = pytest.importorskip("distributed")
    grid = _grid(
        tmp_path,
        f"defaults:\n  source: {settings.SEED_BULLETIN}\nruns:\n"
        "  - notebook: county.ipynb\n    vary: {region: [江陵县, 洪湖市]}\n  - audit.ipynb\n",
    )
    local = run_batch(read_grid(grid), tmp_path / "local", executor=LocalExecutor(2))
    from jzanalysis.batch import DaskExecutor

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_batch(read_grid(grid), tmp_path / "dask", executor=DaskExecutor(client))
    assert local.exit_status == remote.exit_status == 0 and len(remote.done) == 3
    for folder in _run_folders(tmp_path / "local"):
        for path in sorted((tmp_path / "local" / folder).iterdir()):
            assert path.read_bytes() == (tmp_path / "dask" / folder / path.name).read_bytes(), path.name


def test_a_scheduler_address_dask_cannot_use_is_one_line_and_status_2(tmp_path, jz):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    err = jz("batch", "--scheduler", "garbage://x", "--out", out, status=2)[1]
    assert_one_line(err, "--scheduler 'garbage://x' is not a Dask scheduler address (unknown address scheme")
    assert not out.exists()


@pytest.mark.slow
def test_a_killed_scheduler_is_one_line_and_status_1(tmp_path):
    pytest.importorskip("distributed")
    log = tmp_path / "scheduler.log"
    with open(log, "w") as handle:
        scheduler = subprocess.Popen(
            [Path(sys.executable).parent / "dask", "scheduler", "--port", "0", "--dashboard-address", ":0"],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        address = None
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline:
            found = re.search(r"Scheduler at:\s+(tcp://\S+)", log.read_text())
            address = found and found.group(1)
            time.sleep(0.2)
        assert address, log.read_text()
        batch = subprocess.Popen(
            [
                *JZANALYSIS,
                "batch",
                "--scheduler",
                address,
                "--out",
                tmp_path / "out",
                "--no-counties",
                "--format",
                "html",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while "Receive client connection" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # the tasks are submitted; no worker will ever run them
        scheduler.kill()
        _, stderr = batch.communicate(timeout=120)
    finally:
        scheduler.kill()
        scheduler.wait()
    assert batch.returncode == 1, stderr
    assert_one_line(
        stderr, f"jzanalysis batch: error: lost the Dask scheduler at {address}; run the same command again"
    )


@pytest.mark.slow
def test_report_command_publishes_one_folder_per_parameter_set(tmp_path):
    out = tmp_path / "r"
    first = _jz("report", "--out", out)
    assert first.returncode == 0, first.stderr
    second = _jz("report", "--out", out, "--dispersion", "0", "--format", "html")
    assert second.returncode == 0, second.stderr
    folders = _run_folders(out)
    # the φ = 0 run is a scenario: its folder says so (forecast_2015_m07_phi0-…)
    assert len(folders) == 2 and sorted(f.rsplit("-", 1)[0] for f in folders) == [
        "forecast_2015_m07",
        "forecast_2015_m07_phi0",
    ]
    contents = sorted(sorted(p.suffix for p in (out / f).iterdir()) for f in folders)
    assert contents == [[".html", ".ipynb", ".json"], [".html", ".ipynb", ".json", ".pdf"]]
    html_line = next(line for line in second.stdout.splitlines() if line.startswith("html: "))
    assert Path(html_line.removeprefix("html: ")).is_file()


@pytest.mark.slow
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"], ids=["full", "closed"])
def test_a_report_whose_stdout_cannot_be_written_says_it_was_published(tmp_path, redirect):
    out = tmp_path / "r"
    command = " ".join([*JZANALYSIS, "report", "--out", str(out), "--format", "html"])
    proc = subprocess.run(
        ["sh", "-c", f"{command} {redirect}"], capture_output=False, stderr=subprocess.PIPE, text=True, timeout=300
    )
    assert proc.returncode == 1, proc.stderr
    (folder,) = _run_folders(out)
    assert_one_line(proc.stderr, f"jzanalysis report: error: published in {out / folder}, but the paths could not")
    assert (out / folder / f"{folder}.html").is_file()  # the report is whole; only its paths were not printed


@pytest.mark.slow
def test_inline_executor_runs_the_county_one_pager(tmp_path):
    job = Job(
        "county.ipynb", ReportParams.build(year=2015, as_of_month=7, region="江陵县"), "county", "江陵县", ("html",)
    )
    result = run_jobs([job], tmp_path, executor=InlineExecutor())
    assert result.exit_status == 0
    html = (tmp_path / job.name / f"{job.name}.html").read_text(encoding="utf-8")
    assert "在所列 9 个县市区中排第 9 位" in _text(tmp_path / job.name / f"{job.name}.html") and html.count("<img") == 1
