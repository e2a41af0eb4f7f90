"""Backtest: file validation, score arithmetic by hand, CRPS against scoringrules / properscoring."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import properscoring
import pytest
import scoringrules

from jzanalysis.backtest import (
    best_band,
    crps_of,
    evaluate_pairs,
    interval_score,
    load_backtest_csv,
    perturb_pairs,
    pit_of,
    run_backtest,
    wilson_interval,
)
from jzanalysis.errors import InputError
from jzanalysis.forecast import LogGridPredictive, ShiftedLogPredictive, count_predictive, load_calibration
from jzanalysis.forecast.calibration import pairs_from_calibration, read_pairs_csv, validate_pairs
from jzanalysis.report.scores import format_backtest_table, format_pairs_table

FIXTURE = Path(__file__).parent / "fixtures" / "backtest_synthetic.csv"
REPO = Path(__file__).resolve().parents[1]
SHARED_PAIRS = REPO / ".." / "shared" / "data" / "calibration_pairs.csv"


def _frame(**columns):
    base = dict(
        year=[2015, 2015],
        months=[7, 6],
        region=["X", "X"],
        metric=["projects_100m", "projects_100m"],
        value=[174.0, 60.0],
        actual=[290.0, 150.0],
    )
    base.update(columns)
    return pd.DataFrame(base)


def test_interval_score_by_hand():
    assert interval_score(10, 20, 15, 0.2) == 10  # inside: the width
    assert interval_score(10, 20, 25, 0.2) == 10 + 10 * 5  # above: width + (2/0.2)·5
    assert interval_score(10, 20, 8, 0.05) == 10 + 40 * 2  # below: width + (2/0.05)·2


def test_wilson_interval_by_hand():
    # p = 0.8, n = 10, z = 1.96: centre (0.8 + z²/20)/(1 + z²/10) = 0.7167, half-width 0.2266
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)


def test_crps_lognormal_against_scoringrules():
    d = ShiftedLogPredictive(0.0, 1.0, 0.3, 0.4)  # plain lognormal(0.3, 0.4)
    for y in (0.5, 1.35, 3.0):
        assert crps_of(d, y) == pytest.approx(float(scoringrules.crps_lognormal(y, 0.3, 0.4)), rel=2e-3)


def test_crps_discrete_against_properscoring():
    d = count_predictive(17, 7 / 12, 0.25)
    for y in (20, 29.0, 45, 80):
        expected = properscoring.crps_ensemble(y, d.values, weights=d.pmf)
        assert crps_of(d, y) == pytest.approx(float(expected), rel=1e-6)


def test_scores_by_hand_for_straight_line():
    r = run_backtest(_frame())
    sl = next(m for m in r["methods"] if m["method"] == "straight_line_months")
    # row 1: 174×12/7 = 298.29 vs 290 → +2.857%; row 2: 60×12/6 = 120 vs 150 → −20%
    e1, e2 = (174 * 12 / 7 - 290) / 290, (120 - 150) / 150
    assert sl["mape"] == pytest.approx((abs(e1) + abs(e2)) / 2)
    assert sl["bias_pct"] == pytest.approx(100 * (e1 + e2) / 2)
    assert sl["skill_mape"] == 0.0 and sl["n"] == 2
    rows = r["rows"]
    k80 = sum(row["methods"]["straight_line_months"]["in80"] for row in rows)
    assert sl["coverage80"] == k80 / 2 and sl["coverage80_ci"] == wilson_interval(k80, 2)
    # interval score relative to the actual, averaged
    is80 = [
        interval_score(*row["methods"]["straight_line_months"]["interval80"], row["actual"], 0.2) / row["actual"]
        for row in rows
    ]
    assert sl["interval_score80"] == pytest.approx(np.mean(is80))
    json.dumps(r, allow_nan=False, ensure_ascii=False)


def test_brier_and_skill():
    # plan 174/0.716 = 243.02 → a whole 243 (71.6%) met (290 ≥ 243); plan 60/0.30 = 200 missed (150 < 200)
    r = run_backtest(_frame(plan_pct=[71.6, 30.0]))
    rows = r["rows"]
    assert rows[0]["plan"] == 243.0 and rows[1]["plan"] == 200.0
    for m in r["methods"]:
        p1 = rows[0]["methods"][m["method"]]["p_meet_plan"]
        p2 = rows[1]["methods"][m["method"]]["p_meet_plan"]
        assert m["brier"] == pytest.approx(((p1 - 1) ** 2 + (p2 - 0) ** 2) / 2)
        assert m["n_brier"] == 2
    base = next(m for m in r["methods"] if m["method"] == "straight_line_months")
    gp = next(m for m in r["methods"] if m["method"] == "gamma_poisson")
    assert gp["skill_crps"] == pytest.approx(1 - gp["crps"] / base["crps"])


def test_history_feeds_last_year_only_from_earlier_years():
    frame = pd.DataFrame(
        dict(
            year=[2014, 2015],
            months=[7, 7],
            region=["X", "X"],
            metric=["projects_100m"] * 2,
            value=[150.0, 174.0],
            actual=[260.0, 290.0],
        )
    )
    r = run_backtest(frame)
    assert "last_year_ratio" not in r["rows"][0]["methods"]
    ly = r["rows"][1]["methods"]["last_year_ratio"]
    assert ly["point"] == pytest.approx(260 * 174 / 150)  # last full × (1 + YTD growth)
    assert next(m for m in r["methods"] if m["method"] == "last_year_ratio")["n"] == 1


def test_dispersion_override_changes_intervals():
    narrow = run_backtest(_frame(), dispersion=0.0)["rows"][0]["methods"]["gamma_poisson"]["interval80"]
    wide = run_backtest(_frame(), dispersion=0.5)["rows"][0]["methods"]["gamma_poisson"]["interval80"]
    assert wide[1] - wide[0] > narrow[1] - narrow[0]
    # φ for counts only: an amount row keeps its σ unless sigma is given
    amounts = _frame(metric=["funds_in_place", "funds_in_place"])
    assert run_backtest(amounts, dispersion=0.5)["dispersion"] == {"count": 0.5, "amount": None}
    a = run_backtest(amounts, dispersion=0.5)["rows"][0]["methods"]["lognormal_ratio"]["interval80"]
    b = run_backtest(amounts)["rows"][0]["methods"]["lognormal_ratio"]["interval80"]
    c = run_backtest(amounts, sigma=0.7)["rows"][0]["methods"]["lognormal_ratio"]["interval80"]
    assert a == b and c[1] - c[0] > b[1] - b[0]


def test_fixture_runs_and_table():
    frame = load_backtest_csv(FIXTURE)
    assert len(frame) == 60 and frame["source"].str.startswith("synthetic").all()
    r = run_backtest(frame)
    assert r["n_snapshots"] == 60
    ids = [m["method"] for m in r["methods"]]
    assert ids == [
        "straight_line_months",
        "straight_line_days",
        "straight_line_workdays",
        "seasonal_share",
        "last_year_ratio",
        "gamma_poisson",
        "lognormal_ratio",
        "calibrated",
    ]
    assert r["calibration"] == load_calibration().id
    table = format_backtest_table(r)
    assert "*calibrated" in table and "cov80" in table and len(table.splitlines()) == 2 + 8 + 1


@pytest.mark.parametrize(
    "content, match",
    [
        ("year,months,region,metric,value\n2015,7,X,projects_100m,174\n", "missing column.*actual"),
        ("year,months,region,metric,value,actual\n2015,12,X,projects_100m,174,290\n", "line 2: months must be 1..11"),
        ("year,months,region,metric,value,actual\n2015,7,X,projects_100m,174,100\n", "actual .* must be >= value"),
        ("year,months,region,metric,value,actual\n2015,7,X,industrial_start_rate,70,80\n", "count or amount metric"),
        ("year,months,region,metric,value,actual\n2015,7,X,projects_100m,abc,290\n", "value must be a number"),
        ("year,months,region,metric,value,actual\n2015,7,X,projects_100m,-1,290\n", "value .* must be >= 0"),
        ("year,months,region,metric,value,actual\n", "no rows"),
        (
            "year,months,region,metric,value,actual\n2015,7,X,projects_100m,174,290\n2015,7,X,projects_100m,175,290\n",
            "line 3: duplicate",
        ),
        ("year,months,region,metric,value,actual,plan_pct\n2015,7,X,projects_100m,174,290,0\n", "plan_pct must be > 0"),
    ],
)
def test_bad_files_one_line(tmp_path, content, match):
    path = tmp_path / "bt.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match) as info:
        load_backtest_csv(path)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_backtest_csv(tmp_path / "nope.csv")


def test_crps_of_calibrated_against_scoringrules():
    # a single normal on log full with a floor far below: a lognormal, whose CRPS scoringrules has
    d = LogGridPredictive([(1.0, 0.3, 0.4)], floor=1e-9)
    for y in (0.5, 1.35, 3.0):
        assert crps_of(d, y) == pytest.approx(float(scoringrules.crps_lognormal(y, 0.3, 0.4)), rel=2e-3)


# --- real pairs -------------------------------------------------------------------------------------


def test_best_band_by_hand():
    # one pair: YTD 100 by June, full 250: SL = 200; the best 80% band just reaches 250 (log form,
    # 200·(1 + b) = 250 → b = 0.25, width 250 − 160 = 90, score 90/250 = 0.36)
    pairs = validate_pairs(
        pd.DataFrame(
            dict(
                place=["A"],
                metric=["m"],
                year=[2020],
                ytd_month=[6],
                ytd_value=[100.0],
                full_year_value=[250.0],
                unit=["个"],
            )
        )
    )
    b = best_band(pairs)
    assert b["band80"] == 0.25 and b["form80"] == "log" and b["coverage80"] == 1.0
    assert b["interval_score80"] == pytest.approx((250 - 200 / 1.25) / 250)
    assert b["mape"] == pytest.approx(0.2)  # |200 − 250| / 250


def _check_loco_done_criteria(result, brier=0.10):
    default = next(m for m in result["methods"] if m["method"] == "calibrated")
    band = result["straight_line_band"]
    assert 0.75 <= default["coverage80"] <= 0.90, default["coverage80"]
    assert default["coverage95"] >= 0.90, default["coverage95"]
    assert default["interval_score80"] < band["interval_score80"], (default["interval_score80"], band)
    if brier is not None:
        assert default["brier"] < brier and default["n_brier"] >= 6, default["brier"]
    return default, band


@pytest.fixture(scope="module")
def shipped_pairs():
    return pairs_from_calibration(load_calibration())


@pytest.fixture(scope="module")
def shipped_loco(shipped_pairs):
    return evaluate_pairs(shipped_pairs)


def test_loco_on_the_pairs_shipped_in_the_calibration_meets_the_targets(shipped_pairs, shipped_loco):
    # leave one city out on the pairs stored in the shipped calibration file (no ../shared needed): it must
    # meet the targets and reproduce the scores the file records
    result = shipped_loco
    assert result["n_pairs"] == len(shipped_pairs) == 20 and result["loco"]
    assert result["n_cities"] == shipped_pairs.place.nunique()
    default, band = _check_loco_done_criteria(result)
    assert default["mape"] < band["mape"]  # the point (a median) is no worse than the straight line's
    recorded = {m["method"]: m for m in load_calibration().evaluation["methods"]}
    for m in result["methods"]:
        assert m["coverage80"] == pytest.approx(recorded[m["method"]]["coverage80"])
        assert m["interval_score80"] == pytest.approx(recorded[m["method"]]["interval_score80"], rel=1e-6)
        assert m["brier"] == pytest.approx(recorded[m["method"]]["brier"], rel=1e-6)
    table = format_pairs_table(result)
    assert "leave one city out" in table and "calibrated (default)" in table


@pytest.mark.skipif(not SHARED_PAIRS.is_file(), reason="../shared/data/calibration_pairs.csv not present")
def test_the_shared_pairs_are_the_ones_shipped(shipped_pairs):
    # so the evaluation above is the evaluation on ../shared/data/calibration_pairs.csv and _new.csv
    pairs, _source = read_pairs_csv([SHARED_PAIRS, SHARED_PAIRS.with_name("calibration_pairs_new.csv")])
    pd.testing.assert_frame_equal(
        pairs[list(shipped_pairs.columns)].reset_index(drop=True),
        shipped_pairs.reset_index(drop=True),
        check_dtype=False,
    )


def test_loco_on_the_perturbed_pairs_degrades_gracefully(shipped_pairs):
    # every outcome moved by a definitional drift of +15%, −15%, +15%, … (file order, never below the YTD):
    # refitted and scored leaving one city out, the intervals still cover as they say
    moved = perturb_pairs(shipped_pairs)
    ratio = moved.full_year_value.to_numpy() / shipped_pairs.full_year_value.to_numpy()
    assert ratio[0] == pytest.approx(1.15) and ratio[1] == pytest.approx(0.85)  # 重庆 17300 → 19895; 3600 → 3060
    result = evaluate_pairs(moved)
    # a plan's Brier score is not a target here: the drift moves outcomes across their plans at random
    _check_loco_done_criteria(result, brier=None)


def test_leave_one_series_out(shipped_pairs):
    result = evaluate_pairs(shipped_pairs, holdout="series")
    assert result["holdout"] == "series" and not result["loco"] and result["n_pairs"] == 20
    default = next(m for m in result["methods"] if m["method"] == "calibrated")
    assert default["coverage80"] >= 0.75 and default["coverage95"] >= 0.90
    with pytest.raises(InputError, match="holdout must be one of city, series, none"):
        evaluate_pairs(shipped_pairs, holdout="year")


def test_pit_by_hand():
    # a normal on log X around log 1000 with sd 0.2, floor 500: the PIT of 1000 is 1/2, of 1000·e^0.2 is
    # Φ(1) = 0.841345; at the floor (mass Φ(log(1/2)/0.2) = Φ(−3.4657) = 0.000264 on 500) it is half that mass
    d = LogGridPredictive([(1.0, np.log(1000.0), 0.2)], floor=500.0)
    assert pit_of(d, 1000.0) == pytest.approx(0.5)
    assert pit_of(d, 1000.0 * np.exp(0.2)) == pytest.approx(0.841345, abs=1e-6)
    assert pit_of(d, 500.0) == pytest.approx(0.000264 / 2, abs=1e-6)


def test_loco_holds_a_city_out():
    # with a city out, its pairs are forecast by a calibration that never saw them: a city with a
    # huge bias cannot pull its own forecasts
    rows = [
        dict(place=p, metric="m", year=2020, ytd_month=6, ytd_value=100.0, full_year_value=f, unit="个")
        for p, f in (("A", 200.0), ("B", 205.0), ("C", 195.0), ("D", 400.0))
    ]
    pairs = validate_pairs(pd.DataFrame(rows))
    loco = evaluate_pairs(pairs)
    inside = evaluate_pairs(pairs, loco=False)
    d_loco = next(r for r in loco["rows"] if r["place"] == "D")["methods"]["calibrated"]["point"]
    d_in = next(r for r in inside["rows"] if r["place"] == "D")["methods"]["calibrated"]["point"]
    assert d_loco < d_in


# --- jzanalysis calibrate -------------------------------------------------------------------------


def _pairs_csv(tmp_path, rows=None):
    rows = rows or [
        "place,metric,year,ytd_month,ytd_value,full_year_value,unit,plan_value",
        "A,m,2020,3,100,420,个,400",
        "B,m,2021,6,250,480,个,",
        "C,m,2019,9,700,950,亿元,900",
    ]
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_calibrate_writes_a_file_the_forecast_uses(tmp_path, capsys, monkeypatch):
    from jzanalysis.cli import main
    from jzanalysis.forecast import forecast_series

    out = tmp_path / "cal.json"
    assert main(["calibrate", str(_pairs_csv(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    cal = load_calibration(out)
    assert cal.source["pairs"] == 3 and cal.source["cities"] == 3 and cal.id.startswith("pairs@")
    assert cal.beta["count/early"].pairs == 1 and cal.beta["count/early"].leans_on_prior
    assert cal.plan.series == 2 and cal.evaluation["n_pairs"] == 3
    assert f"written: {out}" in printed and "| count/early |" in printed and "leave one city out" in printed
    monkeypatch.setenv("JZANALYSIS_CALIBRATION", str(out))
    assert forecast_series(174, year=2015, as_of=7, kind="count").calibration["id"] == cal.id


def test_calibrate_reads_several_pairs_files(tmp_path, capsys):
    from jzanalysis.cli import main

    first = _pairs_csv(tmp_path)
    more = tmp_path / "more.csv"
    more.write_text(
        "place,metric,year,ytd_month,ytd_value,full_year_value,unit,definition_match\nD,m,2017,8,500,700,亿元,partly\n",
        encoding="utf-8",
    )
    out = tmp_path / "cal.json"
    assert main(["calibrate", str(first), str(more), "--out", str(out), "--no-evaluate"]) == 0
    capsys.readouterr()
    cal = load_calibration(out)
    # 3 + 1 pairs from 4 cities; the id names both files; 1 of the 4 pairs is marked partly: drift rate 1/4
    assert cal.source["pairs"] == 4 and cal.source["cities"] == 4 and cal.id.startswith("pairs+more@")
    assert [f["file"] for f in cal.source["files"]] == ["pairs.csv", "more.csv"]
    assert cal.drift_rate == 0.25 and cal.pairs[-1]["definition_match"] == "partly"


@pytest.mark.parametrize(
    "rows, message",
    [
        (["place,metric,year,ytd_month,ytd_value,unit", "A,m,2020,3,100,个"], "missing column(s) full_year_value"),
        (
            ["place,metric,year,ytd_month,ytd_value,full_year_value,unit", "A,m,2020,12,100,420,个"],
            "line 2: ytd_month must be a whole month 1..11",
        ),
        (
            ["place,metric,year,ytd_month,ytd_value,full_year_value,unit", "A,m,2020,3,100,90,个"],
            "line 2: full_year_value must be >= ytd_value",
        ),
        (
            ["place,metric,year,ytd_month,ytd_value,full_year_value,unit", "A,m,2020,3,100,420,%"],
            "line 2: unit must say count",
        ),
        (
            ["place,metric,year,ytd_month,ytd_value,full_year_value,unit", "A,m,2020,3,abc,420,个"],
            "line 2: ytd_value must be a number",
        ),
    ],
)
def test_calibrate_bad_input_one_line_status_2(tmp_path, capsys, rows, message):
    from jzanalysis.cli import main

    status = main(["calibrate", str(_pairs_csv(tmp_path, rows)), "--out", str(tmp_path / "cal.json")])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and message in err, err
    assert not (tmp_path / "cal.json").exists()
