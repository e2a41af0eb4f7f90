"""Forecasts: seed numbers by hand, the calibrated default by hand, coherence, the JSON contract, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from jzanalysis.errors import InputError
from jzanalysis.forecast import (
    DEFAULT_DISPERSION,
    METHODS,
    Calibration,
    LogGridPredictive,
    amount_predictive,
    count_predictive,
    fit_calibration,
    forecast_from_facts,
    forecast_series,
    implied_plan,
    load_calibration,
    load_profile,
)
from jzanalysis.forecast.calibration import (
    CLASSES,
    ClassBias,
    PlanPrior,
    fit_plan_prior,
    pairs_from_calibration,
    validate_pairs,
)
from jzanalysis.report.format import Formatter
from jzanalysis.schema import facts_frame

fmt_probability = Formatter("zh").probability  # the report's words for a probability

REPO = Path(__file__).resolve().parents[1]
SHARED_PAIRS = REPO / ".." / "shared" / "data" / "calibration_pairs.csv"
SHARED_PAIRS_NEW = SHARED_PAIRS.with_name("calibration_pairs_new.csv")
CONTRACT_KEYS = {"metric", "region", "year", "as_of", "ytd", "plan", "forecast", "methods"}
METHOD_KEYS = {"method", "point", "interval80", "interval95", "p_meet_plan"}
Z90 = 1.2815515655446004  # Φ⁻¹(0.9)


def _seed(facts, metric, **kw):
    return forecast_from_facts(facts, year=2015, as_of=7, metric=metric, region="荆州市", **kw)


def _m(out, method_id):
    return next(m for m in out["methods"] if m["method"] == method_id)


def _hand_calibration(beta=0.1, beta_sd=0.05, c=0.2, d=0.05, plan=None) -> Calibration:
    """A calibration with round numbers, so the default can be checked by hand."""
    return Calibration(
        id="hand",
        c={"count": c, "amount": c},
        d=d,
        beta={k: ClassBias(beta, beta_sd, 10, 10) for k in CLASSES},
        plan=plan,
    )


# --- seed numbers ---------------------------------------------------------------------------------


def test_implied_plans_are_whole_for_counts(seed_city_facts):
    projects = _seed(seed_city_facts, "projects_100m")
    funds = _seed(seed_city_facts, "funds_in_place")
    # 174 / 0.716 = 243.02, but 71.6% only says 174/0.7165 = 242.85 .. 174/0.7155 = 243.19: the one whole
    # number there is 243, and meeting the plan needs 243 projects
    assert projects["plan"] == 243.0
    info = projects["plan_info"]
    assert info["candidates"] == [243.0] and info["consistent"] is True
    assert info["range"] == pytest.approx([242.847, 243.187], abs=5e-4)  # 174/0.7165, 174/0.7155
    assert round(info["exact"], 2) == 243.02
    assert (
        projects["plan_source"]
        == "implied from plan_pct 71.6% (1-7月) → 243.02, rounding range 242.85-243.19, whole number 243"
    )
    # an amount keeps its exact plan, 798 / 0.614 = 1299.67, with the range 1298.62-1300.73 carried into P
    assert round(funds["plan"], 2) == 1299.67
    assert funds["plan_info"]["range"] == pytest.approx([1298.617, 1300.733], abs=5e-4)  # 798/0.6145, 798/0.6135
    assert projects["quote"] == "全市新引进亿元以上项目174个"


def test_implied_plan_with_several_whole_numbers_and_none():
    # "31%" (no decimals) pins 37 to 37/0.315 = 117.46 .. 37/0.305 = 121.31: plans 118..121; nearest to
    # 37/0.31 = 119.35 is 119
    p = implied_plan(37, 31, "count")
    assert p.candidates == (118.0, 119.0, 120.0, 121.0) and p.value == 119.0
    # 71.5% pins 174 to 243.19 .. 243.53: no whole number fits; the nearest (243) is used and flagged
    q = implied_plan(174, 71.5, "count")
    assert q.candidates == (243.0,) and q.consistent is False


def test_p_meet_plan_averages_over_the_plans_the_percent_allows():
    # "31%" leaves 118..121: P(meet) is the mean of P(full ≥ k) over them, under one distribution (the
    # plan's information is placed at the plan used, 119)
    r = forecast_series(37, year=2024, as_of=3, kind="count", plan_pct=31, methods=["calibrated"])
    dist = r.forecast.predictive
    each = [dist.sf_plan(k) for k in (118, 119, 120, 121)]
    assert r.plan == 119.0 and each == sorted(each, reverse=True) and each[0] > each[-1]
    assert r.forecast.p_meet_plan == pytest.approx(sum(each) / 4)


def test_two_bulletins_narrow_the_plan():
    # 1-3月 60 at "25%": 235.29 .. 244.90, nine whole numbers; 1-6月 120 at 49.6%: 241.69 .. 242.18 → 242
    rows = [
        dict(year=2016, months=3, region="某市", metric="projects_100m", value=60, unit="个", plan_pct=25),
        dict(year=2016, months=6, region="某市", metric="projects_100m", value=120, unit="个", plan_pct=49.6),
    ]
    facts = facts_frame(rows)
    out = forecast_from_facts(facts, year=2016, as_of=6, metric="projects_100m", region="某市")
    assert out["plan"] == 242.0 and out["plan_info"]["candidates"] == [242.0] and out["plan_info"]["bulletins"] == 2
    early = forecast_from_facts(facts, year=2016, as_of=3, metric="projects_100m", region="某市")
    assert early["plan_info"]["candidates"] == [float(k) for k in range(236, 245)]
    # a later bulletin without a percent takes the plan from the earlier one
    rows.append(dict(year=2016, months=9, region="某市", metric="projects_100m", value=170, unit="个"))
    late = forecast_from_facts(facts_frame(rows), year=2016, as_of=9, metric="projects_100m", region="某市")
    assert late["plan"] == 242.0 and late["plan_info"]["pct_month"] == 6


def test_straight_line_months_seed(seed_city_facts):
    assert round(_m(_seed(seed_city_facts, "projects_100m"), "straight_line_months")["point"], 1) == 298.3  # 174×12/7
    assert round(_m(_seed(seed_city_facts, "funds_in_place"), "straight_line_months")["point"], 1) == 1368.0  # 798×12/7


def test_straight_line_workdays_seed(seed_city_facts):
    # 2015: 145 official working days through July, 249 in the year
    assert (
        round(_m(_seed(seed_city_facts, "projects_100m"), "straight_line_workdays")["point"], 1) == 298.8
    )  # 174×249/145
    assert (
        round(_m(_seed(seed_city_facts, "funds_in_place"), "straight_line_workdays")["point"], 1) == 1370.4
    )  # 798×249/145


def test_straight_line_days_seed(seed_city_facts):
    # 212 calendar days through 31 July of 365: 174×365/212 = 63510/212 = 299.575
    assert _m(_seed(seed_city_facts, "projects_100m"), "straight_line_days")["point"] == pytest.approx(
        299.575, abs=1e-3
    )


def test_gamma_poisson_seed_pure_poisson():
    # remaining ~ NegBin(n = 0.5 + 174, p = 7/12): mean 174 + 174.5×5/7 = 298.64; 90% interval [275, 323]
    d = count_predictive(174, 7 / 12, 0.0, a0=0.5)
    assert d.mean() == pytest.approx(298.643, abs=1e-3)  # 174.5×5/7 = 124.643, + 174
    assert list(d.ppf([0.05, 0.95])) == [275, 323]
    nb = stats.nbinom(174.5, 7 / 12)
    assert list(d.ppf([0.05, 0.95])) == list(nb.ppf([0.05, 0.95]) + 174)
    # the point is the median: the smallest count whose cdf passes 0.5, NegBin median + 174
    assert d.median() == nb.median() + 174


def test_gamma_poisson_seed_overdispersed_phi02():
    # φ = 0.2: the beta-negative-binomial (docs/forecasting.md, the models the default used to be) 80% interval
    d = count_predictive(174, 7 / 12, 0.2)
    assert d.mean() == pytest.approx(298.64, abs=0.01)  # φ does not move the mean
    assert tuple(d.ppf([0.1, 0.9])) == (256, 346)


def test_overdispersion_tends_to_poisson():
    exact = count_predictive(174, 7 / 12, 0.0).ppf([0.025, 0.5, 0.975])
    near = count_predictive(174, 7 / 12, 1e-5).ppf([0.025, 0.5, 0.975])
    assert np.max(np.abs(exact - near)) <= 1


def test_lognormal_ratio_seed():
    # remaining straight-line 798×5/7 = 570; s = 7/12, σ = 0.35: τ = σ / (2·√(s(1−s))) = 0.35 / (2·√(35/144))
    # = 0.35 / 0.98601 = 0.354965, τ²/2 = 0.0630; mean of full = 798×12/7 = 1368.0
    d = amount_predictive(798, 7 / 12, 0.35)
    assert d.mean() == pytest.approx(1368.0, abs=0.01)
    assert float(d.ppf(0.5)) == pytest.approx(1333.20, abs=0.01)  # 798 + 570·e^−0.0630 = 798 + 570·0.93894
    # 798 + 570·e^(−0.0630 − 1.28155·0.354965) = 798 + 570·e^−0.51791 = 798 + 570·0.59576
    assert float(d.ppf(0.1)) == pytest.approx(1137.59, abs=0.01)
    assert float(d.ppf(0.001)) > 798


# --- the calibrated default, by hand ----------------------------------------------------------------


def test_calibrated_amount_by_hand():
    # 600 亿元 by June, s = 1/2: SL = 1200; β = 0.1 → median 1200·e^0.1 = 1326.2;
    # V = c²(1−s)/s + d² + sd(β)² = 0.04 + 0.0025 + 0.0025 = 0.045
    # sd = √0.045 = 0.212132, z(0.9)·sd = 1.28155 × 0.212132 = 0.271858: 80% 1200·e^(0.1 ± 0.271858)
    cal = _hand_calibration()
    r = forecast_series(600, year=2016, as_of=6, kind="amount", methods=["calibrated"], calibration=cal)
    f = r.forecast
    assert f.point == pytest.approx(1326.205, abs=1e-3)
    assert f.interval80[1] == pytest.approx(1740.513, abs=1e-3)  # 1200·e^0.371858 = 1200 × 1.450427
    assert f.interval80[0] == pytest.approx(1010.518, abs=1e-3)  # 1200·e^−0.171858 = 1200 × 0.842099
    assert f.parameters["sd_log"] == pytest.approx(0.212132, abs=1e-6) and f.parameters["calibration"] == "hand"
    assert r.calibration["id"] == "hand"
    # no plan: no probability, no verdict
    assert f.p_meet_plan is None and f.plan_verdict is None


def test_calibrated_count_by_hand_is_a_whole_number():
    # 174 by July: SL = 298.29; β = 0.1 → 329.66, a count: 330; V adds the Poisson term (1 − s)/YTD:
    # V = 0.04 × (5/12)/(7/12) + 0.0025 + (5/12)/174 + 0.0025 = 0.028571 + 0.0025 + 0.002395 + 0.0025 = 0.035966,
    # sd = 0.189647; the 80% top 298.29·e^(0.1 + 1.28155 × 0.189647) = 298.29·e^0.343043 = 420.35 → 420
    cal = _hand_calibration()
    r = forecast_series(174, year=2015, as_of=7, kind="count", methods=["calibrated"], calibration=cal)
    assert r.forecast.point == 330.0
    assert r.forecast.interval80[1] == 420.0
    assert r.forecast.parameters["sd_log"] == pytest.approx(0.189647, abs=1e-6)


def test_calibrated_never_below_ytd_and_mass_at_ytd_late_in_year():
    # November, β = −0.1, small spread: SL·e^β = 361×12/11×e^−0.1 = 356.3 < 361 already in, so the
    # median is the YTD itself: nothing more reported is the likeliest single outcome
    cal = _hand_calibration(beta=-0.1, beta_sd=0.01, c=0.05, d=0.01)
    f = forecast_series(361, year=2022, as_of=11, kind="count", methods=["calibrated"], calibration=cal).forecast
    assert f.point == 361.0 and f.interval80[0] == 361.0
    assert f.parameters["point_mass_at_ytd"] > 0.5


def test_plan_enters_as_a_mixture_of_informative_and_irrelevant():
    # log full ~ N(μ, V) from the pace (pool p); the plan is informative (t_df(log plan + γ, w) multiplies
    # the pool) or irrelevant, with prior probability π = 0.5 × the share of the plan left to do against
    # the calendar: (1300 − 600)/(1300 × (1 − 1/2)) = 1.0769 → capped at 1, π = 0.5.
    # m1 = ∫ p·t, m0 = ∫ p·Cauchy(log plan, 0.5), weight = π·m1/(π·m1 + (1 − π)·m0);
    # density = weight·p·t/m1 + (1 − weight)·p. P(full ≥ plan) by direct integration must equal the method's
    plan_prior = PlanPrior(loc=0.06, scale=0.11, df=12.0, series=8)
    cal = _hand_calibration(plan=plan_prior)
    r = forecast_series(600, year=2016, as_of=6, kind="amount", plan=1300.0, methods=["calibrated"], calibration=cal)
    mu, sd = math.log(1200) + 0.1, math.sqrt(0.045)
    lo, hi = mu - 12 * sd, mu + 12 * sd

    def pool(y):
        return stats.norm.pdf(y, mu, sd)

    def informative(y):
        return pool(y) * stats.t.pdf(y, 12.0, math.log(1300) + 0.06, 0.11)

    m1 = integrate.quad(informative, lo, hi, limit=200)[0]
    m0 = integrate.quad(lambda y: pool(y) * stats.cauchy.pdf(y, math.log(1300), 0.5), lo, hi, limit=200)[0]
    weight = 0.5 * m1 / (0.5 * m1 + 0.5 * m0)
    above = weight * integrate.quad(informative, math.log(1300), hi, limit=200)[0] / m1 + (1 - weight) * stats.norm.sf(
        math.log(1300), mu, sd
    )
    assert r.forecast.parameters["plan_weight"] == pytest.approx(weight, abs=1e-4)
    assert r.forecast.p_meet_plan == pytest.approx(above, abs=1e-5)
    # the same forecast before the plan's information
    wp = r.forecast.without_plan
    assert wp["p_meet_plan"] == pytest.approx(stats.norm.sf(math.log(1300), mu, sd), abs=1e-9)
    assert 0 < r.forecast.parameters["plan_information_share"] < 1


def test_a_plan_far_from_the_pace_counts_less_and_widens():
    # pace: 200 by March → SL 800, × e^0.1 = 884; plans from near the pace to far above it
    cal = _hand_calibration(plan=PlanPrior(loc=0.06, scale=0.11, df=12.0, series=8))
    weights, widths = [], []
    for plan in (900.0, 1400.0, 2000.0, 3000.0):
        f = forecast_series(200, year=2016, as_of=3, kind="amount", plan=plan, methods=["calibrated"], calibration=cal)
        weights.append(f.forecast.parameters["plan_weight"])
        lo, hi = f.forecast.interval80
        widths.append(math.log(hi / lo))
    assert weights == sorted(weights, reverse=True) and weights[-1] < 0.05 < 0.5 < weights[0]
    # the plain product would narrow the forecast whatever the plan; the mixture narrows it where pace and
    # plan agree (900) and widens it where they disagree (2000). The pace alone: V = 0.04 × 0.75/0.25 + 0.0025
    # + 0.0025 = 0.125, its 80% interval spans 2 × 1.28155 × √0.125 = 0.9062 on the log scale
    pace_alone = 2 * Z90 * math.sqrt(0.04 * 3 + 0.0025 + 0.0025)
    assert widths[0] < pace_alone < widths[2]


def test_ytd_at_or_past_the_plan_leaves_the_plan_out():
    # 1180 by August against a plan of 1000: the plan is met; it says nothing about how far above it the
    # year ends, so the forecast is the pace's alone: 1180 × 12/8 = 1770, × e^0.1 = 1956.1
    cal = _hand_calibration(plan=PlanPrior(loc=0.06, scale=0.11, df=12.0, series=8))
    f = forecast_series(1180, year=2016, as_of=8, kind="amount", plan=1000.0, methods=["calibrated"], calibration=cal)
    f = f.forecast
    assert f.point == pytest.approx(1770 * math.exp(0.1), rel=1e-9)
    assert f.parameters["plan_used"] is False and f.parameters["plan_skipped"] == "ytd_at_or_past_plan"
    assert "plan_prior" not in f.parameters and f.without_plan["point"] == f.point
    assert f.p_meet_plan == 1.0
    # 99.5% of the plan by August: 0.5% left to do against a third of the year: π = 0.5 × 0.005/(1/3) = 0.0075,
    # the plan hardly counts, and the point stays within 1% of the pace's
    g = forecast_series(995, year=2016, as_of=8, kind="amount", plan=1000.0, methods=["calibrated"], calibration=cal)
    assert g.forecast.parameters["plan_left_share"] == pytest.approx(0.015)
    assert g.forecast.point == pytest.approx(995 * 1.5 * math.exp(0.1), rel=0.01)


def test_grid_agrees_with_closed_form():
    # a two-component pool with equal components is one normal: grid quantiles = closed form
    m, s = math.log(500.0), 0.2
    grid = LogGridPredictive([(0.5, m, s), (0.5, m, s)], floor=100.0)
    exact = LogGridPredictive([(1.0, m, s)], floor=100.0)
    levels = [0.025, 0.1, 0.5, 0.9, 0.975]
    assert grid.ppf(levels) == pytest.approx(exact.ppf(levels), rel=1e-6)
    assert float(exact.ppf(0.9)) == pytest.approx(500 * math.exp(Z90 * 0.2), rel=1e-12)


def test_calibrated_pools_last_year_and_profile_by_inverse_variance():
    cal = _hand_calibration()
    history = [(2012, 55.0, 100.0), (2013, 60.0, 100.0), (2014, 65.0, 100.0)]
    r = forecast_series(174, year=2015, as_of=7, kind="count", history=history, methods=["calibrated"], calibration=cal)
    p = r.forecast.parameters
    comps = p["components"]
    assert set(comps) == {"straight_line_calibrated", "last_year_ratio", "seasonal_share"}
    inv = {k: 1 / v["sd_log"] ** 2 for k, v in comps.items()}
    assert p["weights"] == pytest.approx({k: x / sum(inv.values()) for k, x in inv.items()})
    assert comps["last_year_ratio"]["median"] == pytest.approx(
        267.692, abs=1e-3
    )  # last full × YTD / last YTD: 100×174/65
    assert comps["straight_line_calibrated"]["median"] == pytest.approx(329.657, abs=1e-3)  # 298.286 × e^0.1


def test_last_year_ratio_counts_both_years_as_noisy():
    # V this year at YTD 174 plus V last year at its YTD 150 (c = 0.2, d = 0.05, sd(β) = 0.05, counts):
    # V now 0.035966 (as in test_calibrated_count_by_hand_is_a_whole_number); V last = 0.028571 + 0.0025 +
    # (5/12)/150 = 0.028571 + 0.0025 + 0.002778 = 0.033849; √(0.035966 + 0.033849) = √0.069815 = 0.264226
    cal = _hand_calibration()
    facts = facts_frame(
        [
            dict(year=2014, months=7, region="荆州市", metric="projects_100m", value=150, unit="个"),
            dict(year=2014, months=12, region="荆州市", metric="projects_100m", value=260, unit="个"),
            dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6),
        ]
    )
    out = forecast_from_facts(
        facts, year=2015, as_of=7, metric="projects_100m", region="荆州市", methods=["last_year_ratio"], calibration=cal
    )
    m = out["methods"][0]
    assert m["point"] == pytest.approx(301.6)  # 2014 full × (1 + 16% growth): 260 × 174/150 = 260 × 1.16
    assert m["parameters"]["ytd_growth_pct"] == pytest.approx(16.0)
    assert m["parameters"]["sd_log"] == pytest.approx(0.264226, abs=1e-6)
    assert m["interval80"][1] == pytest.approx(423.147, abs=1e-3)  # 301.6·e^(1.28155 × 0.264226) = 301.6 × 1.40301


def test_growth_rate_and_last_full_year_feed_last_year_ratio(seed_city_facts):
    # the bulletin says 798 亿元, +31.3%: a year earlier 798 / 1.313 = 607.8 by July; with 2014's full year
    # 1100 stated, last_year_ratio = 1100 × 798 / 607.8 = 1100 × 1.313 = 1444.3
    facts = pd.concat(
        [
            seed_city_facts,
            facts_frame(
                [dict(year=2014, months=12, region="荆州市", metric="funds_in_place", value=1100.0, unit="亿元")]
            ),
        ]
    )
    out = _seed(facts, "funds_in_place")
    ly = _m(out, "last_year_ratio")
    assert ly["point"] == pytest.approx(1444.3)
    assert ly["parameters"]["last_ytd"] == pytest.approx(607.768, abs=1e-3)
    assert set(out["forecast"]["parameters"]["weights"]) == {"straight_line_calibrated", "last_year_ratio"}


def test_series_of_bulletins_gives_path_and_updates():
    rows = [
        dict(year=2016, months=m, region="某市", metric="projects_100m", value=v, unit="个", plan_pct=p)
        for m, v, p in ((3, 60, 25.0), (6, 120, 49.6), (8, 170, None))
    ]
    facts = facts_frame(rows)
    out = forecast_from_facts(facts, year=2016, as_of=8, metric="projects_100m", region="某市")
    assert out["path"] == {"3": 60.0, "6": 120.0, "8": 170.0}
    assert [u["as_of"] for u in out["updates"]] == [3, 6]
    # each update is the forecast that bulletin alone (with the plan known then) would have given
    alone = forecast_from_facts(
        facts, year=2016, as_of=6, metric="projects_100m", region="某市", methods=["calibrated"]
    )["forecast"]
    assert out["updates"][1]["point"] == alone["point"] and out["updates"][1]["p_meet_plan"] == alone["p_meet_plan"]


def test_leans_on_prior_with_few_pairs():
    cal = load_calibration()
    late = cal.beta["count/late"]
    assert late.pairs <= 2 and late.leans_on_prior
    f = forecast_series(300, year=2022, as_of=10, kind="count", methods=["calibrated"]).forecast
    assert f.parameters["leans_on_prior"] is True and f.parameters["class_pairs"] == late.pairs


# --- coherence: the point is the median, P(meet plan) agrees with it --------------------------------


@pytest.mark.parametrize("kind, ytds", [("count", (3, 17, 60, 174, 361)), ("amount", (20.66, 234.6, 798.0, 4231.0))])
def test_point_meets_plan_exactly_when_p_at_least_half(kind, ytds):
    checked = 0
    for ytd in ytds:
        for month in range(1, 12):
            point = forecast_series(ytd, year=2016, as_of=month, kind=kind, methods=["calibrated"]).forecast.point
            plans = {point * f for f in (0.9, 0.98, 0.995, 1.0, 1.005, 1.02, 1.1)} | {point - 1, point, point + 1}
            for plan in sorted(p for p in plans if p > 0):
                r = forecast_series(ytd, year=2016, as_of=month, kind=kind, plan=plan)
                for m in r.methods:
                    meets = m.point >= plan
                    assert (m.p_meet_plan >= 0.5) == meets, (kind, ytd, month, plan, m.method, m.point, m.p_meet_plan)
                    assert m.plan_verdict == ("meets" if meets else "falls_short")
                    # and the words: a sentence shows "50%" or more exactly when the point meets the plan
                    words = fmt_probability(m.p_meet_plan)
                    shown = (
                        100
                        if words.startswith("超过")
                        else 0
                        if words.startswith(("不到", "略低于"))
                        else int(words.rstrip("%"))
                    )
                    assert (shown >= 50) == meets, (words, m.p_meet_plan, m.point, plan)
                    checked += 1
    assert checked > 1000


def test_probability_words_never_cross_half():
    assert fmt_probability(0.476) == "略低于50%"  # 0.476 → nearest 5% is 50%, but it is under one half
    assert fmt_probability(0.5) == "50%" and fmt_probability(0.524) == "50%"
    assert fmt_probability(0.903) == "90%" and fmt_probability(0.966) == "97%"
    assert fmt_probability(0.9996) == "超过99%" and fmt_probability(0.001) == "不到1%"


# --- the shipped calibration ------------------------------------------------------------------------


def test_shipped_calibration_is_named_and_reproducible(seed_city_facts):
    cal = load_calibration()
    out = _seed(seed_city_facts, "projects_100m")
    assert out["calibration"]["id"] == cal.id and out["forecast"]["parameters"]["calibration"] == cal.id
    assert out["calibration"]["pairs"] == len(cal.pairs) and cal.id.endswith(cal.source["sha256"][:8])
    # refitting on the pairs stored in the file gives the file's parameters
    refit = fit_calibration(pairs_from_calibration(cal), source=cal.source)
    assert refit.c == pytest.approx(cal.c, rel=1e-4) and refit.d == pytest.approx(cal.d, rel=1e-4)
    for k in CLASSES:
        assert refit.beta[k].value == pytest.approx(cal.beta[k].value, abs=1e-4)
        assert refit.beta[k].pairs == cal.beta[k].pairs
    assert refit.plan.loc == pytest.approx(cal.plan.loc) and refit.plan.scale == pytest.approx(cal.plan.scale)


def test_calibration_from_environment(tmp_path, monkeypatch):
    cal = _hand_calibration()
    path = cal.write(tmp_path / "cal.json")
    monkeypatch.setenv("JZANALYSIS_CALIBRATION", str(path))
    r = forecast_series(600, year=2016, as_of=6, kind="amount", methods=["calibrated"])
    assert r.calibration["id"] == "hand" and r.forecast.point == pytest.approx(1326.205, abs=1e-3)  # 1200·e^0.1
    monkeypatch.setenv("JZANALYSIS_CALIBRATION", str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="not found"):
        forecast_series(600, year=2016, as_of=6, kind="amount")


def test_plan_prior_update_by_hand():
    # two series: full/plan = 1.10 and 1.00 → y = 0.09531, 0; ȳ = 0.047655, Σ(y − ȳ)² = 0.0045420;
    # κn = 3, γn = 2·ȳ/3 = 0.03177, νn = 6, νn·wn² = 4·0.15² + 0.0045420 + 1·2·ȳ²/3 = 0.0960560
    frame = validate_pairs(
        pd.DataFrame(
            dict(
                place=["A", "B"],
                metric=["m", "m"],
                year=[2020, 2020],
                ytd_month=[6, 6],
                ytd_value=[50.0, 50.0],
                full_year_value=[110.0, 100.0],
                unit=["个", "个"],
                plan_value=[100.0, 100.0],
            )
        )
    )
    # wn² = 0.0960560/6 = 0.0160093; the predictive scale √(wn²·(1 + 1/κn)) = √(0.0160093 × 4/3) = 0.146102
    p = fit_plan_prior(frame)
    assert p.series == 2 and p.df == 6.0
    assert p.loc == pytest.approx(0.031770, abs=1e-6)
    assert p.scale == pytest.approx(0.146102, abs=1e-6)


def test_fit_recovers_a_known_bias():
    # 300 pairs drawn from the model itself with β = +0.15 for amounts early in the year
    rng = np.random.default_rng(7)
    n = 300
    month = rng.integers(1, 5, n)
    s = month / 12
    ytd = rng.uniform(100, 1000, n)
    v = 0.15**2 * (1 - s) / s + 0.03**2
    full = np.maximum(ytd / s * np.exp(0.15 + np.sqrt(v) * rng.standard_normal(n)), ytd)
    frame = validate_pairs(
        pd.DataFrame(
            dict(
                # 30 cities × 10 years: 300 series, each its own outcome (snapshots of one series count once)
                place=[f"c{i % 30}" for i in range(n)],
                metric="m",
                year=[2000 + i // 30 for i in range(n)],
                ytd_month=month,
                ytd_value=ytd,
                full_year_value=full,
                unit="亿元",
            )
        )
    )
    cal = fit_calibration(frame)
    early = cal.beta["amount/early"]
    assert early.pairs == 300 and early.series == 300
    # within three posterior sds (about 0.016 each: 300 pairs, sd of log(full/SL) 0.2-0.5)
    assert early.value == pytest.approx(0.15, abs=3 * early.sd) and early.sd < 0.02
    assert cal.c["amount"] == pytest.approx(0.15, rel=0.15)
    assert cal.beta["count/mid"].value == pytest.approx(0.0, abs=1e-6)  # no data: the prior mean


@pytest.mark.skipif(not SHARED_PAIRS.is_file(), reason="../shared/data/calibration_pairs.csv not present")
def test_shipped_calibration_was_fitted_on_the_shared_pairs():
    import hashlib

    # both shared files, read in order: the sha256 of their bytes one after the other
    cal = load_calibration()
    raw = SHARED_PAIRS.read_bytes() + SHARED_PAIRS_NEW.read_bytes()
    assert cal.source["sha256"] == hashlib.sha256(raw).hexdigest()
    assert [f["file"] for f in cal.source["files"]] == ["calibration_pairs.csv", "calibration_pairs_new.csv"]


# --- contract -------------------------------------------------------------------------------------


def test_json_contract(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    assert set(out) >= CONTRACT_KEYS
    assert {
        "plan_source",
        "unit",
        "kind",
        "quote",
        "default_method",
        "skipped",
        "calibration",
        "plan_info",
        "path",
        "updates",
    } <= set(out)
    assert out["default_method"] == out["forecast"]["method"] == "calibrated"
    for m in out["methods"]:
        assert set(m) >= METHOD_KEYS
        assert {"label_zh", "required_pace", "observed_pace", "parameters", "quantiles", "mean", "point_is"} <= set(m)
        assert m["point_is"] == "median" and m["point"] == pytest.approx(m["quantiles"]["0.5"], rel=1e-6)
        q = [m["quantiles"][k] for k in ("0.025", "0.1", "0.25", "0.5", "0.75", "0.9", "0.975")]
        assert q == sorted(q)
        assert m["interval80"] == [m["quantiles"]["0.1"], m["quantiles"]["0.9"]]
    assert "without_plan" in out["forecast"]
    json.dumps(out, ensure_ascii=False, allow_nan=False)


def test_methods_that_do_not_apply_are_skipped_with_reason(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    ran = {m["method"] for m in out["methods"]}
    assert ran == {
        "straight_line_months",
        "straight_line_days",
        "straight_line_workdays",
        "gamma_poisson",
        "calibrated",
    }
    reasons = {s["method"]: s["reason"] for s in out["skipped"]}
    assert reasons == {
        "seasonal_share": "no_profile",
        "last_year_ratio": "no_last_year",
        "lognormal_ratio": "kind_count_not_supported",
    }


def test_zero_ytd_falls_back_to_gamma_poisson():
    r = forecast_series(0, year=2015, as_of=2, kind="count", plan=20.0)
    assert r.default_method == "gamma_poisson"
    assert {"method": "calibrated", "reason": "ytd_zero"} in r.skipped


def test_forecast_result_and_its_dict():
    r = forecast_series(174, year=2015, as_of=7, kind="count", plan=243.0)
    assert r.method("straight_line_months").point == pytest.approx(298.286, abs=1e-3)  # 174 × 12/7
    d = r.to_dict()
    assert set(d) >= CONTRACT_KEYS and "predictive" not in d["forecast"]
    assert r.method("gamma_poisson").point == _m(d, "gamma_poisson")["point"]


def test_plan_override_and_no_plan(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m", plan=300)
    assert out["plan"] == 300 and out["plan_source"] == "given --plan 300"
    r = forecast_series(174, year=2015, as_of=7, kind="count").to_dict()
    assert r["plan"] is None and r["forecast"]["p_meet_plan"] is None and r["forecast"]["required_pace"] is None


def test_paces(seed_city_facts):
    f = _seed(seed_city_facts, "projects_100m")["forecast"]
    assert f["required_pace"] == pytest.approx(13.8)  # (243 − 174)/5 a month to the whole-number plan
    assert f["observed_pace"] == pytest.approx(24.857, abs=1e-3)  # 174/7 a month
    funds = _seed(seed_city_facts, "funds_in_place")["forecast"]
    assert round(funds["required_pace"], 1) == 100.3  # (1299.67 − 798)/5


def test_dispersion_is_phi_for_counts_sigma_for_amounts(seed_city_facts):
    # φ given: the calibrated spread takes c² = φ/12; gamma_poisson takes φ
    out = _seed(seed_city_facts, "projects_100m", dispersion=0.48)
    assert out["forecast"]["parameters"]["c"] == pytest.approx(0.2)  # √(0.48/12) = √0.04
    assert out["forecast"]["parameters"]["dispersion_source"] == "given"
    assert _m(out, "gamma_poisson")["parameters"]["dispersion"] == 0.48
    # a plain dispersion does not touch amounts; sigma does (c = σ/2)
    funds = _seed(seed_city_facts, "funds_in_place", dispersion=0.48)
    assert funds["forecast"]["parameters"]["dispersion_source"] == "calibration"
    assert _m(funds, "lognormal_ratio")["parameters"]["dispersion"] == DEFAULT_DISPERSION["amount"]
    funds = _seed(seed_city_facts, "funds_in_place", sigma=0.5)
    assert funds["forecast"]["parameters"]["c"] == pytest.approx(0.25)
    assert _m(funds, "lognormal_ratio")["parameters"]["dispersion"] == 0.5
    # pure Poisson for gamma_poisson: NegBin(174.5, 7/12) 10% / 90% quantiles + 174
    narrow = _seed(seed_city_facts, "projects_100m", dispersion=0.0, methods=["gamma_poisson"])["forecast"]
    assert narrow["interval80"] == [280.0, 318.0]


def test_seasonal_share_from_profile_csv(tmp_path):
    path = tmp_path / "profile.csv"
    path.write_text("month,share\n" + "\n".join(f"{m},{min(1.0, 0.6 * m / 7):.6f}" for m in range(1, 13)) + "\n")
    r = forecast_series(174, year=2015, as_of=7, kind="count", profile=path, methods=["seasonal_share"])
    assert r.forecast.point == pytest.approx(290.0)  # 174 / 0.60


def test_seasonal_share_from_several_years_uses_their_spread():
    years = [0.55, 0.60, 0.65]
    history = [(2012 + i, s * 100, 100.0) for i, s in enumerate(years)]
    r = forecast_series(174, year=2015, as_of=7, kind="count", history=history, methods=["seasonal_share"])
    # the share by July, their geometric mean: ∛(0.55 × 0.60 × 0.65) = ∛0.2145 = 0.598608 → 174/0.598608 = 290.674
    assert r.forecast.point == pytest.approx(290.674, abs=1e-3)
    # log(1/share) = 0.59784, 0.51083, 0.43078: sd 0.083551 (n − 1), × √(1 + 1/3) = 0.096477; t₂(0.9) = 1.885618:
    # 174 · e^(0.51315 + 1.885618 × 0.096477) = 290.674 × e^0.181920 = 348.669
    assert r.forecast.interval80[1] == pytest.approx(348.669, abs=1e-3)


def test_profile_fixture_loads():
    frame = load_profile(Path(__file__).parent / "fixtures" / "profile_synthetic_mixed.csv")
    assert list(frame.month) == list(range(1, 13)) and frame.share.iloc[-1] == pytest.approx(1.0)


def test_working_days_outside_calendar():
    with pytest.raises(InputError, match="outside the official holiday calendar"):
        forecast_series(100, year=1990, as_of=7, kind="count", methods=["straight_line_workdays"])
    r = forecast_series(
        100, year=1990, as_of=7, kind="count", methods=["straight_line_workdays"], working_days=(145, 249)
    )
    assert r.forecast.point == pytest.approx(171.724, abs=1e-3)  # 100 × 249/145
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
        (dict(sigma=-0.1), "sigma must be"),
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
        forecast_from_facts(seed_city_facts, year=2015, as_of=8, metric="projects_100m", region="荆州市")
    with pytest.raises(InputError, match="no projects_100m rows for 公安县"):
        forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="projects_100m", region="公安县")


def test_a_bulletin_without_a_plan_share_still_gets_a_forecast_without_p_meet_plan():
    # 六安's bulletins state no percent of plan: the forecast stands, P(meet plan) is not given
    facts = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个")])
    out = forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m", region="荆州市")
    assert out["plan"] is None and out["forecast"]["p_meet_plan"] is None
    low, high = out["forecast"]["interval80"]
    assert 174 <= low <= out["forecast"]["point"] <= high  # never below the year to date
    assert (
        forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m", region="荆州市", plan=243.0)["plan"]
        == 243.0
    )


def test_non_forecastable_metric(seed_city_facts):
    with pytest.raises(InputError, match="not a running total"):
        forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="industrial_start_rate", region="荆州市")


def test_bad_calibration_file_one_line(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text('{"id": "x"}')
    with pytest.raises(InputError, match="not a jzanalysis calibration") as info:
        forecast_series(174, year=2015, as_of=7, kind="count", calibration=path)
    assert "\n" not in str(info.value)


def test_every_method_has_a_chinese_label():
    labels = {method_id: method.label_zh for method_id, method in METHODS.items()}
    assert (
        labels["straight_line_months"] == "直线外推（按月）" and labels["straight_line_days"] == "直线外推（按日历日）"
    )
    assert len(labels) == 8 and all(labels.values())  # 5 run on the seed's counts and 3 skipped: see above


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(ytd=st.integers(0, 2000), as_of=st.integers(1, 11), phi=st.sampled_from([0.0, 0.05, 0.25, 1.0]))
def test_count_predictive_properties(ytd, as_of, phi):
    d = count_predictive(ytd, as_of / 12, phi)
    q = d.ppf([0.025, 0.1, 0.5, 0.9, 0.975])
    assert np.all(np.diff(q) >= 0) and q[0] >= ytd
    assert d.mean() == pytest.approx(ytd + (0.5 + ytd) * (12 - as_of) / as_of, rel=2e-3)


@settings(max_examples=40, deadline=None)
@given(ytd=st.integers(1, 5000), as_of=st.integers(1, 11), plan_factor=st.floats(0.5, 2.0))
def test_calibrated_properties(ytd, as_of, plan_factor):
    plan = float(max(1, round(ytd * 12 / as_of * plan_factor)))
    f = forecast_series(ytd, year=2016, as_of=as_of, kind="count", plan=plan, methods=["calibrated"]).forecast
    q = [f.quantiles[k] for k in ("0.025", "0.1", "0.5", "0.9", "0.975")]
    assert q == sorted(q) and q[0] >= ytd and all(float(v).is_integer() for v in q)
    assert (f.p_meet_plan >= 0.5) == (f.point >= plan)


def test_large_counts_use_a_coarse_grid_quickly():
    d = count_predictive(100_000, 1 / 12, 0.25)
    assert len(d.values) <= 200_001
    assert d.mean() == pytest.approx(1_200_005.5)  # 100 000 + 100 000.5 × 11
    q = d.ppf([0.025, 0.5, 0.975])
    assert 100_000 <= q[0] < q[1] < q[2]
    assert count_predictive(174, 7 / 12, 0.25).scale == 1.0


def test_facts_with_missing_year_or_region_are_ignored_not_fatal():
    facts = facts_frame(
        [
            dict(year=None, months=None, region="荆州市", metric="projects_100m", value=5, unit="个"),
            dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6),
            dict(year=2014, months=12, region=None, metric="projects_100m", value=200, unit="个"),
        ]
    )
    out = forecast_from_facts(
        facts, year=2015, as_of=7, metric="projects_100m", region="荆州市", methods=["straight_line_months"]
    )
    assert round(out["forecast"]["point"], 1) == 298.3


@pytest.mark.parametrize(
    "content, match",
    [
        ("month,pct\n7,0.6\n", "missing share"),
        ("month,share\n7,0.6\n6,0.7\n", "must not decrease"),
        ("month,share\n13,0.6\n", "1..12"),
    ],
)
def test_bad_profile_one_line(tmp_path, content, match):
    path = tmp_path / "p.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=match) as info:
        forecast_series(174, year=2015, as_of=7, kind="count", profile=path, methods=["seasonal_share"])
    assert "\n" not in str(info.value)


# --- what the pairs leave uncertain ----------------------------------------------------------------


def _model_pairs(n: int, seed: int, drift_sd: float = 0.0) -> pd.DataFrame:
    """n pairs drawn from the line model (β = 0, c = 0.15, d = 0.03, amounts, June), one series each;
    every other pair marked ``partly`` and moved by a further N(0, drift_sd²) on the log scale."""
    rng = np.random.default_rng(seed)
    s = 0.5
    marks = np.where(np.arange(n) % 2 == 0, "yes", "partly")
    noise = np.sqrt(0.15**2 * (1 - s) / s + 0.03**2) * rng.standard_normal(n)
    noise += np.where(marks == "partly", drift_sd, 0.0) * rng.standard_normal(n)
    full = np.maximum(1000 * np.exp(noise), 500.0)
    return validate_pairs(
        pd.DataFrame(
            dict(
                place=[f"c{i}" for i in range(n)],
                metric="m",
                year=2020,
                ytd_month=6,
                ytd_value=500.0,
                full_year_value=full,
                unit="亿元",
                definition_match=marks,
            )
        )
    )


def test_few_pairs_give_wide_intervals_many_narrow():
    # the same model, 4 pairs or 400: with 4 the posterior of β, c and d is wide, and so is the forecast
    widths = {}
    for n in (4, 400):
        cal = fit_calibration(_model_pairs(n, seed=3))
        f = forecast_series(500, year=2020, as_of=6, kind="amount", methods=["calibrated"], calibration=cal).forecast
        widths[n] = math.log(f.interval95[1] / f.interval95[0])
    # with 400 pairs the 95% interval is about the model's own: 2 × 1.96 × √(0.0225 + 0.0009) = 0.600 on the
    # log scale, a little more for the t tails and the drift; with 4 it is wider still
    assert 0.55 < widths[400] < 0.8
    assert widths[4] > widths[400] * 1.1


def test_definition_drift_is_estimated_from_the_partly_pairs():
    # half the pairs marked partly carry an extra N(0, 0.25²): d_def is estimated near 0.25; without it, small
    drifted = fit_calibration(_model_pairs(400, seed=5, drift_sd=0.25))
    clean = fit_calibration(_model_pairs(400, seed=5, drift_sd=0.0))
    assert drifted.drift_rate == 0.5 == clean.drift_rate
    assert drifted.d_def == pytest.approx(0.25, rel=0.25)
    assert clean.d_def < 0.1
    # the drift is not dropped: the forecast carries it in the share it has in the pairs
    wide = forecast_series(500, year=2020, as_of=6, kind="amount", methods=["calibrated"], calibration=drifted)
    narrow = forecast_series(500, year=2020, as_of=6, kind="amount", methods=["calibrated"], calibration=clean)
    assert wide.forecast.parameters["sd_log"] > narrow.forecast.parameters["sd_log"]


def test_result_names_its_calibration_and_both_paces(seed_city_facts):
    out = _seed(seed_city_facts, "projects_100m")
    cal = load_calibration()
    assert out["calibration_outcomes"] == len(cal.pairs) == cal.source["pairs"]
    assert out["calibration_cities"] == len({p["place"] for p in cal.pairs}) == cal.source["cities"]
    # 174 projects by July: 174/7 = 24.857 a month so far; the forecast assumes (point − 174)/5 a month after
    assert out["pace_so_far_per_month"] == pytest.approx(174 / 7)
    assert out["pace_assumed_per_month"] == pytest.approx((out["forecast"]["point"] - 174) / 5)
    r = forecast_series(600, year=2016, as_of=6, kind="amount", methods=["calibrated"], calibration=_hand_calibration())
    # hand calibration: 1326.205 (see test_calibrated_amount_by_hand) → (1326.205 − 600)/6 = 121.03 a month
    assert r.pace_assumed_per_month == pytest.approx(121.034, abs=1e-3) and r.pace_so_far_per_month == 100.0
