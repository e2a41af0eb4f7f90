"""County comparison on the seed's counts, with the arithmetic written out."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from jzanalysis.compare import compare_from_facts, county_sentences, garwood_interval, poisson_funnel_limit
from jzanalysis.errors import InputError
from jzanalysis.plans import load_plans
from jzanalysis.schema import facts_frame

from .conftest import TESTS_DIR

SEED_COUNTS = {"公安县": 23, "监利县": 23, "石首市": 22, "荆州开发区": 21, "沙市区": 21, "荆州区": 18, "洪湖市": 18,
               "松滋市": 17, "江陵县": 11}


def seed_facts(extra=()):
    records = [dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6)]
    records += [dict(year=2015, months=7, region=r, metric="projects_100m", value=v, unit="个") for r, v in SEED_COUNTS.items()]
    records += [dict(year=2015, months=6, region=r, metric="batch_signings_june", value=v, unit="个")
                for r, v in {"监利县": 10, "荆州区": 10, "沙市区": 8, "石首市": 4}.items()]
    return facts_frame(records + list(extra))


def test_garwood_intervals_of_the_seed():
    # lower = χ²(0.025; 2k)/2, upper = χ²(0.975; 2k+2)/2
    assert garwood_interval(23) == pytest.approx((14.58, 34.51), abs=0.005)
    assert garwood_interval(11) == pytest.approx((5.49, 19.68), abs=0.005)
    assert garwood_interval(0)[0] == 0.0


def test_seed_comparison_with_equal_shares():
    result = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m")
    counties = {c["region"]: c for c in result["counties"]}
    # expected 174/9 = 19.33 each; χ² = Σ(o−e)²/e
    #   = (3.67²·2 + 2.67² + 1.67²·2 + 1.33²·2 + 2.33² + 8.33²)/19.33 = 117.99/19.33 = 6.10
    assert counties["公安县"]["expected"] == pytest.approx(174 / 9)
    assert result["homogeneity"]["chi2"] == pytest.approx(6.10, abs=0.005)
    assert result["homogeneity"]["df"] == 8
    assert result["homogeneity"]["p"] == pytest.approx(0.64, abs=0.005)
    assert result["expected_basis"].startswith("平均分配")
    assert counties["公安县"]["ci95"] == pytest.approx([14.58, 34.51], abs=0.005)
    assert counties["江陵县"]["oe"] == pytest.approx(11 / (174 / 9))  # 0.569
    # Spiegelhalter φ = mean z² = 6.10 / 9 = 0.678 < 1: the funnel is not widened
    assert result["overdispersion"]["phi"] == pytest.approx(6.1034 / 9, abs=1e-3)
    assert result["overdispersion"]["widened"] is False
    assert all(c["funnel"] == "inside" for c in result["counties"])
    # ties share the better rank; ranks of 23, 23, 22 are 1, 1, 3
    assert (counties["公安县"]["rank"], counties["监利县"]["rank"], counties["石首市"]["rank"]) == (1, 1, 3)
    assert counties["江陵县"]["rank"] == 9
    lo, hi = counties["公安县"]["rank_interval"]
    assert lo == 1 and hi >= 6  # 23 against 17..22 cannot be told apart: the rank could be far down
    assert counties["江陵县"]["rank_interval"][1] == 9
    batch = {b["region"]: b["value"] for b in result["context"]["batch_signings_june"]}
    assert batch == {"监利县": 10, "荆州区": 10, "沙市区": 8, "石首市": 4}
    assert result["city_total"] == 174


def test_funnel_limit_matches_the_poisson_distribution():
    # At E = 19.33 the exact 97.5% point lies between the Poisson quantile and one below it.
    e = 174 / 9
    upper = poisson_funnel_limit(e, 0.975) * e
    q = stats.poisson.ppf(0.975, e)
    assert q - 1 <= upper <= q


def test_sentences_only_where_the_evidence_supports_one():
    result = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m")
    sentences = county_sentences(result)
    assert sentences[0].startswith("各县市区新引进亿元以上项目差异不显著（χ²=6.10，自由度 8，p=0.64）")
    assert not any("江陵县" in s for s in sentences)  # 11 is low, but inside the limits


def test_plans_for_every_county_give_expected_by_time_progress():
    plans = load_plans(TESTS_DIR / "fixtures" / "plans_all_counties.csv")
    result = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m", plans=plans)
    counties = {c["region"]: c for c in result["counties"]}
    # 江陵县: plan 30 × 7/12 = 17.5 expected by now; 11 observed, Garwood upper 19.68 ≥ 17.5 → not enough evidence
    assert counties["江陵县"]["expected"] == pytest.approx(17.5)
    assert counties["江陵县"]["on_schedule"] is False
    assert counties["江陵县"]["behind_schedule_evidence"] is False
    # 公安县: 40 × 7/12 = 23.33 > 23 → just behind, 松滋市 20 × 7/12 = 11.67 < 17 → on schedule
    assert counties["公安县"]["expected"] == pytest.approx(23.333, abs=1e-3)
    assert counties["松滋市"]["on_schedule"] is True
    assert counties["荆州开发区"]["plan"] == 30  # given as 荆州经开区 in the file
    assert "计划 × 时间进度" in result["expected_basis"]


def test_plans_for_some_counties_only():
    plans = load_plans(TESTS_DIR / "fixtures" / "plans_some_counties.csv")
    result = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m", plans=plans)
    counties = {c["region"]: c for c in result["counties"]}
    assert counties["公安县"]["expected"] == pytest.approx(40 * 7 / 12)
    # the seven unplanned counties share the rest equally: (174 − 23 − 11) / 7 = 20
    assert counties["石首市"]["expected"] == pytest.approx(20.0)
    assert counties["石首市"]["on_schedule"] is None
    assert "2 个" not in result["expected_basis"] and "7 个县市区无计划" in result["expected_basis"]


def test_prior_period_shares_when_the_data_has_them():
    earlier = [dict(year=2015, months=6, region=r, metric="projects_100m", value=v, unit="个")
               for r, v in zip(SEED_COUNTS, [20, 10, 20, 20, 20, 10, 10, 10, 10])]
    result = compare_from_facts(seed_facts(earlier), year=2015, as_of=7, metric="projects_100m")
    counties = {c["region"]: c for c in result["counties"]}
    # 公安县 had 20 of 130 in 1-6月 → expected 174 × 20/130 = 26.77
    assert counties["公安县"]["expected"] == pytest.approx(174 * 20 / 130)
    assert result["expected_basis"] == "上一期各县市区占比"


def test_overdispersed_counties_widen_the_funnel():
    counts = {"公安县": 60, "监利县": 5, "石首市": 40, "荆州开发区": 8, "沙市区": 30, "荆州区": 3, "洪湖市": 12,
              "松滋市": 10, "江陵县": 6}
    facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v, unit="个") for r, v in counts.items()])
    result = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    assert result["overdispersion"]["widened"] is True
    assert result["glm"]["family"] == "quasi-Poisson"
    phi = result["overdispersion"]["phi"]
    e = 174 / 9
    z = (np.array(list(counts.values())) - e) / np.sqrt(e)
    assert phi == pytest.approx(np.mean(z**2))
    gongan = next(c for c in result["counties"] if c["region"] == "公安县")
    assert gongan["funnel"].startswith("above")  # 60 vs 19.3 stays out even after widening


def test_missing_county_figures_and_unknown_regions_are_clear_errors():
    city_only = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174)])
    with pytest.raises(InputError, match="no county figures of projects_100m for 2015 1-7月"):
        compare_from_facts(city_only, year=2015, as_of=7, metric="projects_100m")
    odd = seed_facts([dict(year=2015, months=7, region="荆州新区", metric="projects_100m", value=3)])
    with pytest.raises(InputError, match="unknown region '荆州新区'"):
        compare_from_facts(odd, year=2015, as_of=7, metric="projects_100m")
