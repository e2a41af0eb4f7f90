"""The command line in this process through ``cli.main(argv)``: help, and the JSON/CSV contracts. Bad input,
and the real console script and its signals as subprocesses: test_bad_input.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from jzanalysis import settings
from jzanalysis.schema import FACT_COLUMNS, REVIEW_COLUMNS
from tests.helpers import facts_csv


@pytest.mark.parametrize("command", ["extract", "forecast", "compare", "backtest", "report", "batch", "manifest"])
def test_every_command_has_help(jz, command):
    assert "usage: jzanalysis " + command in jz(command, "--help")[0]


def test_the_exit_statuses_are_in_the_help(jz):
    help_text = " ".join(jz("--help")[0].split())  # argparse wraps the epilog to the terminal
    assert "exit status: 0 done, 2 bad input, 1 a failed run, 130 interrupted, 143 terminated" in help_text


# Bad input (one line, exit status 2) is tabled in tests/test_bad_input.py.


def test_extract_seed_csv_has_the_contract_columns(jz, seed_path):
    out, err = jz("extract", seed_path)
    rows = list(csv.DictReader(io.StringIO(out)))
    # the contract columns, then how sure each fact is and what the analyst's corrections did (extensions)
    assert list(rows[0].keys()) == FACT_COLUMNS + REVIEW_COLUMNS
    city = {(r["region"], r["metric"]): r for r in rows if r["months"] == "7" and r["year"] == "2015"}
    assert float(city[("荆州市", "projects_100m")]["value"]) == 174
    assert float(city[("荆州市", "projects_100m")]["plan_pct"]) == 71.6
    assert float(city[("公安县", "projects_100m")]["value"]) == 23
    # what was stripped as injected is reported on stderr
    assert "欧洲杯外围买球网" in err


def test_extract_explain_states_subject_period_and_year_first(jz, tmp_path):
    # a district's full-year review published the next February: 全区 is 沙市区 (named in the headline), 去年 the
    # year before the publication date
    path = tmp_path / "district.txt"
    path.write_text(
        "发布时间:2024-02-20\n沙市区招商引资工作综述\n去年，全区新引进亿元以上项目41个，实际到位资金88.5亿元。\n",
        encoding="utf-8",
    )
    out, err = jz("extract", str(path), "--explain", "--region", "荆州市")
    lines = err.splitlines()
    assert lines[1].startswith("#   subject: 沙市区 (荆州市) (confidence 0.90) — given (荆州市); its own words 全区")
    assert lines[2].startswith("#   period: 1-12月 (confidence 0.80) — a review of a whole year: “去年，全区”")
    assert (
        lines[3] == "#   year: 2023 (confidence 0.90) — “去年，全区”: the year before the publication date 2024-02-20"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["region"], r["year"], r["months"], r["value"]) for r in rows] == [
        ("沙市区", "2023", "12", "41.0"),
        ("沙市区", "2023", "12", "88.5"),
    ]


def test_extract_json_is_a_list_of_records(jz, seed_path):
    records = json.loads(jz("extract", seed_path, "--json")[0])
    funds = next(r for r in records if r["metric"] == "funds_in_place" and r["region"] == "荆州市")
    assert (funds["value"], funds["plan_pct"], funds["yoy_pct"], funds["unit"]) == (798, 61.4, 31.3, "亿元")
    assert "798" in funds["quote"] and set(records[0]) == set(FACT_COLUMNS + REVIEW_COLUMNS)


def test_forecast_json_contract_for_the_seed(jz, seed_path):
    out = json.loads(
        jz("forecast", seed_path, "--year", "2015", "--as-of", "7", "--metric", "projects_100m", "--json")[0]
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


def test_forecast_funds_and_plan_override(jz, seed_path):
    out = json.loads(jz("forecast", seed_path, "--metric", "funds_in_place", "--json")[0])
    by_method = {m["method"]: m for m in out["methods"]}
    assert by_method["straight_line_months"]["point"] == pytest.approx(1368.0, abs=0.05)  # 798 × 12/7
    assert by_method["straight_line_workdays"]["point"] == pytest.approx(1370.4, abs=0.05)  # 798 × 249/145
    assert out["plan"] == pytest.approx(1299.7, abs=0.05)  # 798 / 0.614
    override = json.loads(jz("forecast", seed_path, "--metric", "funds_in_place", "--plan", "1500", "--json")[0])
    assert override["plan"] == 1500
    # 1500 is above every straight-line forecast, so meeting it is less likely than meeting 1299.7
    assert override["forecast"]["p_meet_plan"] < out["forecast"]["p_meet_plan"]


def test_compare_json_for_the_seed(jz, seed_path):
    out = json.loads(
        jz("compare", seed_path, "--year", "2015", "--as-of", "7", "--metric", "projects_100m", "--json")[0]
    )
    counties = {c["region"]: c for c in out["counties"]}
    assert len(counties) == 9 and sum(c["value"] for c in counties.values()) == 174
    assert counties["公安县"]["ci95"] == pytest.approx([14.58, 34.51], abs=0.005)
    assert counties["江陵县"]["ci95"] == pytest.approx([5.49, 19.68], abs=0.005)
    assert out["homogeneity"]["chi2"] == pytest.approx(6.10, abs=0.005)
    assert out["homogeneity"]["df"] == 8


def test_forecast_from_a_facts_csv(jz, tmp_path):
    out = json.loads(jz("forecast", "--data", facts_csv(tmp_path), "--metric", "projects_100m", "--json")[0])
    assert (out["year"], out["as_of"], out["ytd"]) == (2015, 7, 174)


def test_forecast_table_words_a_probability_over_99_percent_in_its_own_language(jz, tmp_path):
    # φ = 0.1 narrows gamma_poisson to 80% 265–335 against the plan 243 (174 ÷ 71.6%): P(meet plan) > 0.99,
    # which the English table says as "over 99%", not in Chinese
    out = jz("forecast", "--data", facts_csv(tmp_path), "--metric", "projects_100m", "--dispersion", "0.1")[0]
    row = next(line for line in out.splitlines() if "gamma_poisson" in line)
    assert row.rstrip().endswith("over 99%") and "超过" not in out


def test_backtest_command_prints_scores(jz):
    fixture = settings.REPO_ROOT / "tests" / "fixtures" / "backtest_synthetic.csv"
    out = json.loads(jz("backtest", fixture, "--json")[0])
    assert out["n_snapshots"] == 60 and out["baseline"] == "straight_line_months"
    baseline = next(m for m in out["methods"] if m["method"] == "straight_line_months")
    # 58 of the 60 actuals fall inside the straight line's 80% interval (the calibrated spread, its parameters
    # integrated over their posterior, with t tails): 58/60 = 0.9667. Its Wilson 95% interval, z = 1.96,
    # z² = 3.8416: centre (58 + 1.9208)/(60 + 3.8416) = 0.93859, half-width
    # 1.96 × √(58 × 2/60 + 0.9604)/63.8416 = 1.96 × 1.70110/63.8416 = 0.05223 → [0.8864, 0.9908]
    assert baseline["coverage80"] == pytest.approx(58 / 60)
    assert baseline["coverage80_ci"] == pytest.approx([0.8864, 0.9908], abs=1e-4)
    table = jz("backtest", fixture)[0]
    row = next(line for line in table.splitlines() if line.split()[0] == "straight_line_months")
    assert row.split()[1] == "60" and " 97 [89-99] " in row  # cov80 in percent: 96.67 [88.64-99.08]
    assert "gamma_poisson" in table
