"""Forecast methods: seed numbers by hand, the JSON contract, one-line input errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from jzanalysis.errors import InputError
from jzanalysis.forecast import (
    DEFAULT_DISPERSION,
    METHODS,
    ForecastResult,
    amount_predictive,
    count_predictive,
    forecast_from_facts,
    forecast_series,
    load_profile,
    p_meet_plan_sentence,
)
from jzanalysis.schema import facts_frame

CONTRACT_KEYS = {"metric", "region", "year", "as_of", "ytd", "plan", "forecast", "methods"}
METHOD_KEYS = {"method", "point", "interval80", "interval95", "p_meet_plan"}


def _seed(facts, metric, **kw):
    return forecast_from_facts(facts, year=2015, as_of=7, metric=metric, region="荆州市", **kw)


def _m(out, method_id):
    return next(m for m in out["methods"] if m["method"] == method_id)


# --- seed numbers ---------------------------------------------------------------------------------

def test_implied_plans(seed_city_facts):
    projects = _seed(seed_city_facts, "projects_100m")
    funds = _seed(seed_city_facts, "funds_in_place")
    assert projects["plan"] == pytest.approx(174 / 0.716)  # 243.02
    assert round(projects["plan"], 2) == 243.02
    assert round(funds["plan"], 2) == 1299.67  # 798 / 0.614
    assert projects["plan_source"] == "implied from plan_pct 71.6% → 174/0.716 = 243.0"
    assert projects["quote"] == "全市新引进亿元以上项目174个"


def test_straight_line_months_seed(seed_city_facts):
    assert round(_m(_seed(seed_city_facts, "projects_100m"), "straight_line_months")["point"], 1) == 298.3  # 174×12/7
    assert round(_m(_seed(seed_city_facts, "funds_in_place"), "straight_line_months")["point"], 1) == 1368.0  # 798×12/7


def test_straight_line_workdays_seed(seed_city_facts):
    # 2015: 145 official working days through July, 249 in the year
    assert round(_m(_seed(seed_city_facts, "projects_100m"), "straight_line_workdays")["point"], 1) == 298.8  # 174×249/145
    assert round(_m(_seed(seed_city_facts, "funds_in_place"), "straight_line_workdays")["point"], 1) == 1370.4  # 798×249/145


def test_straight_line_days_seed(seed_city_facts):
    # 212 calendar days through 31 July of 365: 174×365/212 = 299.58
    assert _m(_seed(seed_city_facts, "projects_100m"), "straight_line_days")["point"] == pytest.approx(174 * 365 / 212)


def test_gamma_poisson_seed_pure_poisson():
    # remaining ~ NegBin(n = 0.5 + 174, p = 7/12): mean 174 + 174.5×5/7 = 298.64; 90% interval [275, 323]
    d = count_predictive(174, 7 / 12, 0.0, a0=0.5)
    assert d.mean() == pytest.approx(174 + 174.5 * 5 / 7)
    assert round(d.mean(), 1) == 298.6
    assert list(d.ppf([0.05, 0.95])) == [275, 323]
    # cross-check against scipy's negative binomial directly
    nb = stats.nbinom(174.5, 7 / 12)
    assert list(d.ppf([0.05, 0.95])) == list(nb.ppf([0.05, 0.95]) + 174)


def test_gamma_poisson_seed_overdispersed_phi02():
    # domain.md: φ = 0.2 gives about [255, 350]; the beta-negative-binomial 80% interval is [256, 346]
    d = count_predictive(174, 7 / 12, 0.2)
    assert d.mean() == pytest.approx(298.64, abs=0.01)  # φ does not move the mean
    lo, hi = d.ppf([0.1, 0.9])
    assert (lo, hi) == (256, 346)


def test_overdispersion_tends_to_poisson():
    # φ → 0 must recover NegBin(a0 + YTD, s): quantiles agree within one count at φ = 1e-5
    exact = count_predictive(174, 7 / 12, 0.0).ppf([0.025, 0.5, 0.975])
    near = count_predictive(174, 7 / 12, 1e-5).ppf([0.025, 0.5, 0.975])
    assert np.max(np.abs(exact - near)) <= 1


def test_default_method_and_dispersion(seed_city_facts):
    projects = _seed(seed_city_facts, "projects_100m")
    funds = _seed(seed_city_facts, "funds_in_place")
    assert projects["default_method"] == projects["forecast"]["method"] == "gamma_poisson"
    assert funds["default_method"] == funds["forecast"]["method"] == "lognormal_ratio"
    assert projects["forecast"]["parameters"]["dispersion"] == DEFAULT_DISPERSION["count"]
    assert funds["forecast"]["parameters"]["dispersion"] == DEFAULT_DISPERSION["amount"]


def test_default_interval_is_honest_width(seed_city_facts):
    # real year-end outcomes land 5-20% from the straight line: the default 80% interval must reach
    # at least ±12% of the point, a pure Poisson one (±6%) must not pass this
    for metric in ("projects_100m", "funds_in_place"):
        f = _seed(seed_city_facts, metric)["forecast"]
        lo, hi = f["interval80"]
        assert lo <= 0.88 * f["point"] and hi >= 1.12 * f["point"], (metric, lo, hi)
    poisson = _seed(seed_city_facts, "projects_100m", dispersion=0.0)["forecast"]
    assert poisson["interval80"][0] > 0.9 * poisson["point"]


def test_lognormal_ratio_seed():
    # remaining straight-line 798×5/7 = 570; τ = σ / (2·sqrt(s(1-s))); mean of full = 1368.0
    s, sigma = 7 / 12, 0.35
    tau = sigma / (2 * math.sqrt(s * (1 - s)))
    d = amount_predictive(798, s, sigma)
    assert d.mean() == pytest.approx(798 * 12 / 7)
    median = 798 + 798 * 5 / 7 * math.exp(-tau**2 / 2)
    assert float(d.ppf(0.5)) == pytest.approx(median)
    lo = 798 + 570 * math.exp(-tau**2 / 2 - 1.2815515655446004 * tau)
    assert float(d.ppf(0.1)) == pytest.approx(lo)
    assert float(d.ppf(0.001)) > 798  # never below what is already in


def test_p_meet_plan_consistent_with_quantiles(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    f = out["forecast"]
    # plan 243.0 sits below the 10% quantile, so P(full >= plan) > 0.9
    assert out["plan"] < f["quantiles"]["0.1"] and f["p_meet_plan"] > 0.9
    # funds: P(meet) must sit between the quantile levels that bracket the plan 1299.7
    funds_out = _seed(seed_city_facts, "funds_in_place")
    funds = funds_out["forecast"]
    levels = sorted(funds["quantiles"], key=float)
    below = [float(k) for k in levels if funds["quantiles"][k] <= funds_out["plan"]]
    above = [float(k) for k in levels if funds["quantiles"][k] > funds_out["plan"]]
    assert 1 - above[0] <= funds["p_meet_plan"] <= 1 - below[-1]


def test_paces(seed_city_facts):
    f = _seed(seed_city_facts, "projects_100m")["forecast"]
    assert f["required_pace"] == pytest.approx((174 / 0.716 - 174) / 5)  # 13.8 a month
    assert f["observed_pace"] == pytest.approx(174 / 7)  # 24.9 a month
    funds = _seed(seed_city_facts, "funds_in_place")["forecast"]
    assert round(funds["required_pace"], 1) == 100.3  # (1299.67 − 798)/5
    assert funds["observed_pace"] == pytest.approx(114.0)


# --- contract -------------------------------------------------------------------------------------

def test_json_contract(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    assert CONTRACT_KEYS <= set(out)
    assert {"plan_source", "unit", "kind", "quote", "default_method", "skipped"} <= set(out)
    for m in out["methods"]:
        assert METHOD_KEYS <= set(m)
        assert {"label_zh", "required_pace", "observed_pace", "parameters", "quantiles"} <= set(m)
        q = [m["quantiles"][k] for k in ("0.025", "0.1", "0.25", "0.5", "0.75", "0.9", "0.975")]
        assert q == sorted(q)
        assert m["interval80"] == [m["quantiles"]["0.1"], m["quantiles"]["0.9"]]
        assert m["interval95"][0] <= m["interval80"][0] <= m["point"] <= m["interval80"][1] <= m["interval95"][1]
    json.dumps(out, ensure_ascii=False, allow_nan=False)  # JSON-ready: no numpy types, no NaN


def test_methods_that_do_not_apply_are_skipped_with_reason(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    ran = {m["method"] for m in out["methods"]}
    assert ran == {"straight_line_months", "straight_line_days", "straight_line_workdays", "gamma_poisson"}
    reasons = {s["method"]: s["reason"] for s in out["skipped"]}
    assert set(reasons) == {"seasonal_share", "last_year_ratio", "lognormal_ratio"}
    assert "profile" in reasons["seasonal_share"] and "2014" in reasons["last_year_ratio"]
    assert reasons["lognormal_ratio"] == "applies to amount figures, not count"
    funds = _seed(seed_city_facts, "funds_in_place")
    assert "gamma_poisson" not in {m["method"] for m in funds["methods"]}  # counts only
    assert {"method": "gamma_poisson", "reason": "applies to count figures, not amount"} in funds["skipped"]


def test_forecast_result_dataclass():
    r = forecast_series(174, year=2015, as_of=7, kind="count", plan=243.0)
    assert isinstance(r, ForecastResult)
    d = r.to_dict()
    assert CONTRACT_KEYS <= set(d) and "predictive" not in d
    assert r.method("gamma_poisson")["point"] == d["forecast"]["point"]


def test_plan_override_and_no_plan(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m", plan=300)
    assert out["plan"] == 300 and out["plan_source"] == "given --plan 300"
    r = forecast_series(174, year=2015, as_of=7, kind="count").to_dict()
    assert r["plan"] is None and r["forecast"]["p_meet_plan"] is None and r["forecast"]["required_pace"] is None


def test_dispersion_override_widens(seed_city_facts):
    narrow = _seed(seed_city_facts, "projects_100m", dispersion=0.0)["forecast"]
    wide = _seed(seed_city_facts, "projects_100m", dispersion=0.5)["forecast"]
    assert narrow["interval80"] == [280.0, 318.0]  # NegBin(174.5, 7/12) 10% / 90% quantiles + 174
    assert wide["interval80"][1] - wide["interval80"][0] > 2 * (318 - 280)


def test_last_year_ratio_from_facts():
    # 2014: 150 by July, 260 for the year; 2015: 174 by July → growth 16%, full = 260 × 174/150 = 301.6
    facts = facts_frame([
        dict(year=2014, months=7, region="荆州市", metric="projects_100m", value=150, unit="个"),
        dict(year=2014, months=12, region="荆州市", metric="projects_100m", value=260, unit="个"),
        dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6),
    ])
    out = forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m", methods=["last_year_ratio"])
    m = out["methods"][0]
    assert m["point"] == pytest.approx(260 * 174 / 150)
    assert m["parameters"]["ytd_growth_pct"] == pytest.approx(16.0)


def test_seasonal_share_from_profile_csv(tmp_path):
    # profile share at July 0.60 → full = 174 / 0.60 = 290
    path = tmp_path / "profile.csv"
    path.write_text("month,share\n" + "\n".join(f"{m},{min(1.0, 0.6 * m / 7):.6f}" for m in range(1, 13)) + "\n")
    r = forecast_series(174, year=2015, as_of=7, kind="count", profile=path, methods=["seasonal_share"])
    assert r.forecast["point"] == pytest.approx(290.0)


def test_seasonal_share_from_several_years_uses_their_spread():
    # shares 0.55, 0.60, 0.65 at July → ŝ = geometric mean; log-t interval with 2 df
    years = [0.55, 0.60, 0.65]
    history = [(2012 + i, s * 100, 100.0) for i, s in enumerate(years)]
    r = forecast_series(174, year=2015, as_of=7, kind="count", history=history, methods=["seasonal_share"])
    s_hat = math.exp(np.mean(np.log(years)))
    assert r.forecast["point"] == pytest.approx(174 / s_hat)
    sd = np.std(np.log(1 / np.array(years)), ddof=1) * math.sqrt(1 + 1 / 3)
    hi = 174 * math.exp(math.log(1 / s_hat) + stats.t(2).ppf(0.9) * sd)
    assert r.forecast["interval80"][1] == pytest.approx(hi)


def test_profile_fixture_loads():
    from pathlib import Path

    frame = load_profile(Path(__file__).parent / "fixtures" / "profile_synthetic_mixed.csv")
    assert list(frame.month) == list(range(1, 13)) and frame.share.iloc[-1] == pytest.approx(1.0)


def test_working_days_outside_calendar():
    with pytest.raises(InputError, match="outside the official holiday calendar"):
        forecast_series(100, year=1990, as_of=7, kind="count", methods=["straight_line_workdays"])
    r = forecast_series(100, year=1990, as_of=7, kind="count", methods=["straight_line_workdays"], working_days=(145, 249))
    assert r.forecast["point"] == pytest.approx(100 * 249 / 145)
    # with every method, the year outside the calendar is skipped with the reason, not fatal
    r = forecast_series(100, year=1990, as_of=7, kind="count")
    assert any(s["method"] == "straight_line_workdays" and "calendar" in s["reason"] for s in r.skipped)


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(as_of=0), "1..11"),
        (dict(as_of=12), "1..11"),
        (dict(plan=0), "plan must be"),
        (dict(plan=-5), "plan must be"),
        (dict(ytd=-1), ">= 0"),
        (dict(methods=["crystal_ball"]), "allowed: straight_line_months"),
        (dict(dispersion=-0.1), "dispersion must be"),
        (dict(kind="rate"), "allowed kinds"),
        (dict(methods=["seasonal_share"]), "does not apply"),
    ],
)
def test_bad_inputs_one_line(kwargs, match):
    args = dict(ytd=174, year=2015, as_of=7, kind="count", plan=243.0) | kwargs
    ytd = args.pop("ytd")
    with pytest.raises(InputError, match=match) as info:
        forecast_series(ytd, **args)
    assert "\n" not in str(info.value)


def test_no_ytd_fact_says_what_data_has(seed_city_facts):
    with pytest.raises(InputError, match=r"no projects_100m figure for 荆州市 2015 1-8月; the data has 2015 1-7月"):
        forecast_from_facts(seed_city_facts, year=2015, as_of=8, metric="projects_100m")
    with pytest.raises(InputError, match="no projects_100m rows for 公安县"):
        forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="projects_100m", region="公安县")


def test_missing_plan_says_pass_plan():
    facts = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个")])
    with pytest.raises(InputError, match="pass --plan"):
        forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    out = forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m", plan=243.0)
    assert out["plan"] == 243.0


def test_non_forecastable_metric(seed_city_facts):
    with pytest.raises(InputError, match="not a running total"):
        forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="industrial_start_rate")


def test_registry_interface():
    for method_id, method in METHODS.items():
        assert method.id == method_id and method.label_zh and callable(method.run)


# --- words ----------------------------------------------------------------------------------------

def test_p_meet_plan_sentence(seed_city_facts):
    assert p_meet_plan_sentence({"p_meet_plan": 0.903, "interval80": [255.2, 349.6], "unit": "个"}) == \
        "按当前进度完成全年计划的概率约为 90%（80% 区间 255–350 个）"
    assert "超过 99%" in p_meet_plan_sentence({"p_meet_plan": 0.9996, "interval80": [255, 350], "unit": "个"})
    assert "100%" not in p_meet_plan_sentence({"p_meet_plan": 1.0, "interval80": [255, 350], "unit": "个"})
    assert "不到 1%" in p_meet_plan_sentence({"p_meet_plan": 0.001, "interval80": [255, 350], "unit": "个"})
    assert "约为 97%" in p_meet_plan_sentence({"p_meet_plan": 0.966, "interval80": [255, 350], "unit": "个"})
    funds = _seed(seed_city_facts, "funds_in_place")["forecast"]
    assert "亿元" in p_meet_plan_sentence(funds)


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(ytd=st.integers(0, 2000), as_of=st.integers(1, 11), phi=st.sampled_from([0.0, 0.05, 0.25, 1.0]))
def test_count_predictive_properties(ytd, as_of, phi):
    d = count_predictive(ytd, as_of / 12, phi)
    q = d.ppf([0.025, 0.1, 0.5, 0.9, 0.975])
    assert np.all(np.diff(q) >= 0) and q[0] >= ytd  # never below what is already counted
    # mean is (a0 + YTD)/s − a0 whatever φ
    assert d.mean() == pytest.approx(ytd + (0.5 + ytd) * (12 - as_of) / as_of, rel=2e-3)


@settings(max_examples=40, deadline=None)
@given(ytd=st.floats(0.1, 1e5), as_of=st.integers(1, 11), sigma=st.floats(0.01, 1.5))
def test_amount_predictive_properties(ytd, as_of, sigma):
    d = amount_predictive(ytd, as_of / 12, sigma)
    q = d.ppf([0.025, 0.5, 0.975])
    assert q[0] >= ytd and q[0] <= q[1] <= q[2]
    assert d.mean() == pytest.approx(ytd * 12 / as_of, rel=1e-9)


def test_dispersion_mapping_per_kind():
    # a mapping sets φ and σ separately; a missing kind keeps its default
    r = forecast_series(174, year=2015, as_of=7, kind="count", dispersion={"count": 0.0})
    assert r.forecast["parameters"]["dispersion"] == 0.0 and r.forecast["interval80"] == [280.0, 318.0]
    r = forecast_series(798, year=2015, as_of=7, kind="amount", dispersion={"count": 0.0})
    assert r.forecast["parameters"]["dispersion"] == DEFAULT_DISPERSION["amount"]
    with pytest.raises(InputError, match="dispersion keys"):
        forecast_series(174, year=2015, as_of=7, kind="count", dispersion={"counts": 0.1})


def test_large_counts_use_a_coarse_grid_quickly():
    # 100 000 by January with φ = 0.25: the exact grid would have millions of points; the strided grid
    # keeps the mean exact and the quantiles ordered and above the YTD
    d = count_predictive(100_000, 1 / 12, 0.25)
    assert len(d.values) <= 200_001
    assert d.mean() == pytest.approx(100_000 + 100_000.5 * 11)
    q = d.ppf([0.025, 0.5, 0.975])
    assert 100_000 <= q[0] < q[1] < q[2]
    # and for moderate counts the step is 1 (exact)
    assert count_predictive(174, 7 / 12, 0.25).scale == 1.0


def test_facts_with_missing_year_or_region_are_ignored_not_fatal():
    facts = facts_frame([
        dict(year=None, months=None, region="荆州市", metric="projects_100m", value=5, unit="个"),
        dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6),
        dict(year=2014, months=12, region=None, metric="projects_100m", value=200, unit="个"),
    ])
    out = forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m", methods=["straight_line_months"])
    assert round(out["forecast"]["point"], 1) == 298.3


def test_profile_csv_with_years_gives_log_t_interval(tmp_path):
    # three years' July shares 55%, 60%, 65% written as percents: same as the history test above
    path = tmp_path / "profiles.csv"
    lines = ["year,month,share"]
    for year, share in ((2012, 55), (2013, 60), (2014, 65)):
        lines += [f"{year},7,{share}", f"{year},12,100"]
    path.write_text("\n".join(lines) + "\n")
    r = forecast_series(174, year=2015, as_of=7, kind="count", profile=path, methods=["seasonal_share"])
    assert r.forecast["parameters"]["profile_years"] == 3
    assert r.forecast["point"] == pytest.approx(174 / math.exp(np.mean(np.log([0.55, 0.60, 0.65]))))


@pytest.mark.parametrize("content, match", [
    ("month,pct\n7,0.6\n", "missing share"),
    ("month,share\n7,0.6\n6,0.7\n", "must not decrease"),
    ("month,share\n13,0.6\n", "1..12"),
])
def test_bad_profile_one_line(tmp_path, content, match):
    path = tmp_path / "p.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=match) as info:
        forecast_series(174, year=2015, as_of=7, kind="count", profile=path, methods=["seasonal_share"])
    assert "\n" not in str(info.value)
