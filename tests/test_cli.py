"""The console script as a user runs it: real subprocesses and the JSON/CSV contracts (bad input: test_bad_input.py)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jzanalysis.schema import FACT_COLUMNS

JZ = str(Path(sys.executable).parent / "jzanalysis")


def run(*args: str, check_status: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([JZ, *args], capture_output=True, text=True, timeout=120)
    if check_status is not None:
        assert proc.returncode == check_status, proc.stderr
    return proc


@pytest.mark.parametrize("command", ["extract", "forecast", "compare", "backtest", "report", "batch", "manifest"])
def test_every_command_has_help(command):
    assert "usage: jzanalysis " + command in run(command, "--help").stdout


def test_the_exit_statuses_are_in_the_help():
    help_text = " ".join(run("--help").stdout.split())  # argparse wraps the epilog to the terminal
    assert "exit status: 0 done, 2 bad input, 1 a failed run, 130 interrupted, 143 terminated" in help_text


# Bad input (one line, exit status 2) is tabled in tests/test_bad_input.py.


def test_extract_seed_csv_has_the_contract_columns(seed_path):
    proc = run("extract", str(seed_path))
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0].keys()) == FACT_COLUMNS
    city = {(r["region"], r["metric"]): r for r in rows if r["months"] == "7" and r["year"] == "2015"}
    assert float(city[("荆州市", "projects_100m")]["value"]) == 174
    assert float(city[("荆州市", "projects_100m")]["plan_pct"]) == 71.6
    assert float(city[("公安县", "projects_100m")]["value"]) == 23
    # what was stripped as injected is reported on stderr
    assert "欧洲杯外围买球网" in proc.stderr


def test_extract_json_is_a_list_of_records(seed_path):
    records = json.loads(run("extract", str(seed_path), "--json").stdout)
    funds = next(r for r in records if r["metric"] == "funds_in_place" and r["region"] == "荆州市")
    assert (funds["value"], funds["plan_pct"], funds["yoy_pct"], funds["unit"]) == (798, 61.4, 31.3, "亿元")
    assert "798" in funds["quote"] and set(records[0]) == set(FACT_COLUMNS)


def test_forecast_json_contract_for_the_seed(seed_path):
    out = json.loads(
        run("forecast", str(seed_path), "--year", "2015", "--as-of", "7", "--metric", "projects_100m", "--json").stdout
    )
    assert {"metric", "region", "year", "as_of", "ytd", "plan", "forecast", "methods"} <= set(out)
    assert (out["metric"], out["region"], out["year"], out["as_of"], out["ytd"]) == (
        "projects_100m",
        "荆州市",
        2015,
        7,
        174,
    )
    assert out["plan"] == pytest.approx(243.0, abs=0.05)  # 174 / 0.716
    by_method = {m["method"]: m for m in out["methods"]}
    assert by_method["straight_line_months"]["point"] == pytest.approx(298.3, abs=0.05)  # 174 × 12/7
    assert by_method["straight_line_workdays"]["point"] == pytest.approx(298.8, abs=0.05)  # 174 × 249/145
    for method in [out["forecast"], *out["methods"]]:
        assert {"method", "point", "interval80", "interval95", "p_meet_plan"} <= set(method)
        lo80, hi80 = method["interval80"]
        lo95, hi95 = method["interval95"]
        assert lo95 <= lo80 <= method["point"] <= hi80 <= hi95


def test_forecast_funds_and_plan_override(seed_path):
    out = json.loads(run("forecast", str(seed_path), "--metric", "funds_in_place", "--json").stdout)
    by_method = {m["method"]: m for m in out["methods"]}
    assert by_method["straight_line_months"]["point"] == pytest.approx(1368.0, abs=0.05)  # 798 × 12/7
    assert by_method["straight_line_workdays"]["point"] == pytest.approx(1370.4, abs=0.05)  # 798 × 249/145
    assert out["plan"] == pytest.approx(1299.7, abs=0.05)  # 798 / 0.614
    override = json.loads(
        run("forecast", str(seed_path), "--metric", "funds_in_place", "--plan", "1500", "--json").stdout
    )
    assert override["plan"] == 1500
    # 1500 is above every straight-line forecast, so meeting it is less likely than meeting 1299.7
    assert override["forecast"]["p_meet_plan"] < out["forecast"]["p_meet_plan"]


def test_compare_json_for_the_seed(seed_path):
    out = json.loads(
        run("compare", str(seed_path), "--year", "2015", "--as-of", "7", "--metric", "projects_100m", "--json").stdout
    )
    counties = {c["region"]: c for c in out["counties"]}
    assert len(counties) == 9 and sum(c["value"] for c in counties.values()) == 174
    assert counties["公安县"]["ci95"] == pytest.approx([14.58, 34.51], abs=0.005)
    assert counties["江陵县"]["ci95"] == pytest.approx([5.49, 19.68], abs=0.005)
    assert out["homogeneity"]["chi2"] == pytest.approx(6.10, abs=0.005)
    assert out["homogeneity"]["df"] == 8


def _facts_csv(tmp_path, **overrides):
    row = dict(
        year=2015,
        months=7,
        region="荆州市",
        metric="projects_100m",
        value=174,
        unit="个",
        plan_pct=71.6,
        yoy_pct="",
        source="t",
        quote="全市新引进亿元以上项目174个",
    )
    row.update(overrides)
    path = tmp_path / "facts.csv"
    path.write_text(
        ",".join(FACT_COLUMNS) + "\n" + ",".join(str(row[c]) for c in FACT_COLUMNS) + "\n", encoding="utf-8"
    )
    return str(path)


def test_forecast_from_a_facts_csv(tmp_path):
    out = json.loads(run("forecast", "--data", _facts_csv(tmp_path), "--metric", "projects_100m", "--json").stdout)
    assert (out["year"], out["as_of"], out["ytd"]) == (2015, 7, 174)


def test_backtest_command_prints_scores():
    from jzanalysis import settings

    fixture = settings.REPO_ROOT / "tests" / "fixtures" / "backtest_synthetic.csv"
    out = json.loads(run("backtest", str(fixture), "--json").stdout)
    assert out["n_snapshots"] == 60 and out["baseline"] == "straight_line_months"
    baseline = next(m for m in out["methods"] if m["method"] == "straight_line_months")
    assert (
        0 <= baseline["coverage80"] <= 1
        and baseline["coverage80_ci"][0] <= baseline["coverage80"] <= baseline["coverage80_ci"][1]
    )
    table = run("backtest", str(fixture)).stdout
    assert "gamma_poisson" in table and "straight_line_months" in table
