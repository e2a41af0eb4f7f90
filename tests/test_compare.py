"""County comparison on the seed's counts, with the arithmetic written out."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.rates import confint_poisson

from jzanalysis.compare import (
    BASIS_EQUAL,
    BASIS_PLANS,
    BASIS_PRIOR,
    CountyComparison,
    compare_counties,
    compare_from_facts,
    funnel_limits,
    funnel_position,
    garwood_interval,
    poisson_funnel_limit,
    poisson_glm,
    spiegelhalter_phi,
)
from jzanalysis.errors import InputError
from jzanalysis.plans import load_plans
from jzanalysis.regions import get_region
from jzanalysis.report import compare_json, comparison_words
from jzanalysis.schema import facts_frame
from tests.helpers import SEED_PROJECTS

from .conftest import TESTS_DIR

# In the bulletin's order (ties keep it: 荆州开发区 before 沙市区).
SEED_COUNTS = {
    "公安县": 23,
    "监利县": 23,
    "石首市": 22,
    "荆州开发区": 21,
    "沙市区": 21,
    "荆州区": 18,
    "洪湖市": 18,
    "松滋市": 17,
    "江陵县": 11,
}
FIXTURES = TESTS_DIR / "fixtures"
JINGZHOU = get_region("荆州市")


def county_sentences(result, language="zh"):
    """The comparison's findings as the report and ``jzanalysis compare`` word them (the report layer)."""
    return list(comparison_words(result, JINGZHOU, language).findings)


def seed_facts(extra=(), city_plan_pct=71.6):
    records = [{**SEED_PROJECTS, "plan_pct": city_plan_pct}]
    records += [
        dict(
            year=2015,
            months=7,
            region=r,
            metric="projects_100m",
            value=v,
            unit="个",
            source="seed",
            note="含华中农高区" if r == "荆州区" else None,
        )
        for r, v in SEED_COUNTS.items()
    ]
    records += [
        dict(year=2015, months=6, region=r, metric="batch_signings_june", value=v, unit="个", source="seed")
        for r, v in {"监利县": 10, "荆州区": 10, "沙市区": 8, "石首市": 4}.items()
    ]
    return facts_frame(records + list(extra))


def seed_result(**kwargs):
    return compare_from_facts(
        seed_facts(**kwargs.pop("facts_kwargs", {})), year=2015, as_of=7, metric="projects_100m", **kwargs
    )


def by_region(result):
    return {c["region"]: c for c in result["counties"]}


# ----------------------------------------------------------------------------- intervals and limits


def test_garwood_intervals_of_the_seed():
    # lower = χ²(0.025; 2k)/2, upper = χ²(0.975; 2k+2)/2
    assert garwood_interval(23) == pytest.approx((14.58, 34.51), abs=0.005)
    assert garwood_interval(11) == pytest.approx((5.49, 19.68), abs=0.005)
    assert garwood_interval(23) == pytest.approx(confint_poisson(23, 1, method="exact-c"))
    # 0 observed: lower 0, upper = −ln(0.025) = 3.689
    assert garwood_interval(0) == pytest.approx((0.0, -math.log(0.025)))


def test_funnel_limit_matches_the_poisson_distribution():
    # At E = 19.33 the interpolated 97.5% point lies between one below the Poisson quantile and the quantile.
    e = 174 / 9
    upper = poisson_funnel_limit(e, 0.975) * e
    q = stats.poisson.ppf(0.975, e)
    assert q - 1 <= upper <= q
    # and it is close to the normal approximation E + 1.96·√E = 27.95
    assert upper == pytest.approx(e + 1.96 * math.sqrt(e), abs=0.5)


def test_overdispersion_widens_each_limit_by_root_phi_around_one():
    plain, wide = funnel_limits(20.0), funnel_limits(20.0, phi=4.0)
    for key in ("hi95", "hi998", "lo95"):
        assert wide[key] - 1 == pytest.approx((plain[key] - 1) * 2.0)  # √4 = 2
    assert wide["lo998"] == 0.0  # 1 − 2·(1 − 0.358) < 0 is clipped at 0
    assert funnel_limits(20.0, phi=0.5) == plain  # φ < 1 never narrows the limits
    assert funnel_position(1.0, plain) == "inside"
    assert funnel_position(plain["hi95"] + 1e-9, plain) == "above95"
    assert funnel_position(plain["hi998"] + 1e-9, plain) == "above998"
    assert funnel_position(plain["lo95"] - 1e-9, plain) == "below95"
    assert funnel_position(plain["lo998"] - 1e-9, plain) == "below998"


def test_phi_is_winsorised_only_with_ten_or_more_units():
    # 10 units, E = 10 each; z = (20 − 10)/√10 = 3.162 and (0 − 10)/√10 = −3.162, the rest 0.
    # raw φ = (10 + 10)/10 = 2.0; winsorising ⌊0.1·10⌋ = 1 per tail clips both to the next z, 0 → φ = 0.
    od = spiegelhalter_phi([10] * 8 + [20, 0], [10] * 10)
    assert od["phi_raw"] == pytest.approx(2.0)
    assert od["phi"] == pytest.approx(0.0)
    assert od["winsorised"] == 1
    # the seed's 9 counties: ⌊0.9⌋ = 0, φ = χ²/n = 6.1034/9 = 0.678
    od = spiegelhalter_phi(list(SEED_COUNTS.values()), [1.0] * 9)
    assert od["winsorised"] == 0 and od["phi"] == pytest.approx(118 / (174 / 9) / 9)


# ----------------------------------------------------------------------------- the seed


def test_seed_comparison_with_equal_shares():
    result = seed_result()
    counties = by_region(result)
    assert result["expected_basis"] == BASIS_EQUAL == "equal shares"
    # expected 174/9 = 19.33 each
    assert counties["公安县"]["expected"] == pytest.approx(174 / 9)
    # χ² = Σ(o−e)²/e: Σo² = 529·2 + 484 + 441·2 + 324·2 + 289 + 121 = 3482; Σ(o−e)² = 3482 − 174²/9 = 118;
    # χ² = 118/19.333 = 6.10 on 9 − 1 = 8 df, p = 0.64
    assert result["homogeneity"]["chi2"] == pytest.approx(118 / (174 / 9))
    assert result["homogeneity"]["chi2"] == pytest.approx(6.10, abs=0.005)
    assert result["homogeneity"]["df"] == 8
    assert result["homogeneity"]["p"] == pytest.approx(0.64, abs=0.005)
    assert result["homogeneity"]["p"] == pytest.approx(stats.chisquare(list(SEED_COUNTS.values())).pvalue)
    assert counties["公安县"]["ci95"] == pytest.approx([14.58, 34.51], abs=0.005)
    assert counties["江陵县"]["ci95"] == pytest.approx([5.49, 19.68], abs=0.005)
    assert counties["江陵县"]["oe"] == pytest.approx(11 / (174 / 9))  # 0.569
    assert counties["江陵县"]["oe_ci95"] == pytest.approx([5.4912 / 19.3333, 19.6821 / 19.3333], abs=1e-4)
    assert counties["公安县"]["share"] == pytest.approx(23 / 174)
    # Spiegelhalter φ = mean z² = 6.10/9 = 0.678 < 1: the funnel is not widened
    assert result["overdispersion"]["phi"] == pytest.approx(6.1034 / 9, abs=1e-3)
    assert result["overdispersion"]["widened"] is False
    assert all(c["funnel"] == "inside" for c in result["counties"])
    # 江陵县 11 against E = 19.33: the 95% lower limit is about (19.33 − 1.96·4.40)/19.33 = 0.55 < 0.569
    assert counties["江陵县"]["funnel_limits"]["lo95"] < counties["江陵县"]["oe"]
    assert all(c["on_schedule"] is None and c["plan"] is None for c in result["counties"])
    assert counties["荆州区"]["note"] == "含华中农高区" and counties["公安县"]["note"] is None
    assert result["city_total"] == 174 and result["year"] == 2015 and result["as_of"] == 7
    assert [c["region"] for c in result["counties"]] == list(SEED_COUNTS)  # largest first, ties in bulletin order
    json.dumps(result, ensure_ascii=False, allow_nan=False)  # JSON-ready: no numpy types, no NaN


def test_seed_ranks_and_rank_intervals():
    result = seed_result()
    counties = by_region(result)
    # ties share the better rank: 23, 23, 22, 21, 21, 18, 18, 17, 11 → 1, 1, 3, 4, 4, 6, 6, 8, 9
    assert [c["rank"] for c in result["counties"]] == [1, 1, 3, 4, 4, 6, 6, 8, 9]
    lo, hi = counties["公安县"]["rank_interval"]
    assert lo == 1 and hi >= 6  # 23 against 17..22 cannot be told apart: the rank could be far down
    assert counties["江陵县"]["rank_interval"][1] == 9
    assert all(c["rank_interval"][0] <= c["rank"] <= c["rank_interval"][1] for c in result["counties"])
    assert seed_result()["counties"] == result["counties"]  # seeded: the same report twice


def test_rank_interval_is_narrow_for_a_clear_leader():
    values = {"公安县": 200, "监利县": 5, "石首市": 6}
    facts = facts_frame(
        [dict(year=2015, months=7, region=r, metric="projects_100m", value=v) for r, v in values.items()]
    )
    counties = by_region(compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m"))
    assert counties["公安县"]["rank_interval"] == [1, 1]
    assert counties["监利县"]["rank_interval"] == [2, 3]


def test_seed_glm_rate_ratios_against_the_city_average():
    glm = seed_result()["glm"]
    assert glm["family"] == "Poisson"
    # Pearson dispersion of the one-rate model = χ²/df = 6.1034/8 = 0.763
    assert glm["dispersion"] == pytest.approx(118 / (174 / 9) / 8)
    # deviance G² = 2 Σ o ln(o/e), the likelihood-ratio version of the homogeneity test
    g2 = stats.power_divergence(list(SEED_COUNTS.values()), lambda_="log-likelihood").statistic
    assert glm["lr_test"]["deviance"] == pytest.approx(g2) and glm["lr_test"]["df"] == 8
    rr = {r["region"]: r for r in glm["rate_ratios"]}
    # 江陵县: (11/19.33)/(174/174) = 0.569; se(log) = √(1/11 − 1/174) = 0.2918 (the county is part of the
    # average); 95% CI = 0.569·exp(±1.96·0.2918) = [0.321, 1.008] — just includes 1
    se = math.sqrt(1 / 11 - 1 / 174)
    assert rr["江陵县"]["rr"] == pytest.approx(11 * 9 / 174)
    assert rr["江陵县"]["se_log"] == pytest.approx(se)
    assert rr["江陵县"]["ci95"] == pytest.approx(
        [11 * 9 / 174 * math.exp(-1.959964 * se), 11 * 9 / 174 * math.exp(1.959964 * se)], rel=1e-6
    )
    assert rr["江陵县"]["ci95"][0] < 1 < rr["江陵县"]["ci95"][1]
    assert rr["公安县"]["rr"] == pytest.approx(23 * 9 / 174)


def test_glm_with_a_single_nonzero_county_gives_no_interval():
    glm = poisson_glm([0, 7], [5, 5], ["江陵县", "公安县"])
    # city rate 7/10; 公安县 (7/5)/(7/10) = 2 with no interval (its share is 100% by construction)
    assert glm["rate_ratios"][1] == {
        "region": "公安县",
        "rr": pytest.approx(2.0),
        "ci95": [None, None],
        "se_log": None,
        "p": None,
    }


def test_glm_zero_count_gets_an_exact_upper_limit():
    glm = poisson_glm([0, 10, 20], [10, 10, 10], ["江陵县", "公安县", "沙市区"])
    zero = glm["rate_ratios"][0]
    # city rate 30/30 = 1; upper = Garwood upper of 0 (3.689) ÷ E 10 ÷ 1
    assert zero["rr"] == 0 and zero["ci95"] == pytest.approx([0.0, 0.3689], abs=1e-4)
    # the others: se = √(1/O − 1/30)
    assert glm["rate_ratios"][1]["se_log"] == pytest.approx(math.sqrt(1 / 10 - 1 / 30))


def test_seed_context_has_the_june_batch_signings():
    batch = {b["region"]: b["value"] for b in seed_result()["context"]["batch_signings_june"]}
    assert batch == {"监利县": 10, "荆州区": 10, "沙市区": 8, "石首市": 4}
    other_year = compare_from_facts(
        seed_facts(
            [dict(year=2016, months=7, region=r, metric="projects_100m", value=v) for r, v in SEED_COUNTS.items()]
        ),
        year=2016,
        as_of=7,
        metric="projects_100m",
    )
    assert other_year["context"]["batch_signings_june"] == []


def test_seed_sentences_say_the_ranking_is_noise():
    sentences = county_sentences(seed_result())
    assert sentences == ["各县市区新引进亿元以上项目的差异不显著（同质性检验 p = 0.64），排名主要反映随机波动。"]
    (english,) = county_sentences(seed_result(), "en")
    assert english == (
        "New projects of 100m yuan or more: the counties do not differ significantly (homogeneity test p = 0.64); "
        "the ranking mostly reflects chance."
    )


def _strings(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def test_the_result_is_numbers_and_codes_no_words():
    # Chinese only where it is data: a region's name, the bulletin's own note or quote, and the fixed
    # expected_basis string tools read ('plans × time progress (按进度)')
    han = re.compile(r"[\u3400-\u9fff]")
    data_keys = {"region", "city", "note", "quote", "expected_basis"}
    for result in (
        seed_result(),
        seed_result(plans=load_plans(FIXTURES / "plans_some_counties.csv")),
        seed_result(plans=load_plans(FIXTURES / "plans_uneven.csv")),
    ):
        assert "expected_basis_zh" not in result
        wordy = [(k, v) for k, v in _strings(result) if k not in data_keys and han.search(v)]
        assert wordy == []
        assert result["expected_basis_code"] in ("plan", "prior", "equal")


def test_the_command_lines_json_keeps_every_key_with_the_basis_in_the_catalogues_words():
    result = seed_result()
    out = compare_json(result, JINGZHOU)
    # every key of the result, in its order, and expected_basis_zh right after expected_basis as before
    keys = list(result)
    at = keys.index("expected_basis") + 1
    assert list(out) == [*keys[:at], "expected_basis_zh", *keys[at:]]
    assert out["expected_basis_zh"] == "“按全市平均”= 全市合计 174个 ÷ 9 个县市区 = 19.3个，不是各县市区的任务。"
    json.dumps(out, allow_nan=False)


# ----------------------------------------------------------------------------- plans


def test_plans_for_every_county_give_expected_by_time_progress():
    plans = load_plans(FIXTURES / "plans_all_counties.csv")
    result = seed_result(plans=plans)
    counties = by_region(result)
    assert result["expected_basis"] == BASIS_PLANS == "plans × time progress (按进度)"
    assert result["expected_basis_code"] == "plan"
    assert compare_json(result, JINGZHOU)["expected_basis_zh"] == "“按计划进度”= 各县市区全年计划 × 时间进度（58.3%）。"
    assert result["expected_detail"]["time_progress"] == pytest.approx(7 / 12)
    # 江陵县: plan 30 × 7/12 = 17.5 expected by now; 11 observed, Garwood upper 19.68 ≥ 17.5 → not enough evidence
    assert counties["江陵县"]["expected"] == pytest.approx(17.5)
    assert counties["江陵县"]["on_schedule"] is False
    assert counties["江陵县"]["behind_schedule_evidence"] is False
    # 公安县: 40 × 7/12 = 23.33 > 23 → just behind; 松滋市 20 × 7/12 = 11.67 < 17 → on schedule
    assert counties["公安县"]["expected"] == pytest.approx(40 * 7 / 12)
    assert counties["公安县"]["on_schedule"] is False
    assert counties["松滋市"]["on_schedule"] is True
    assert counties["荆州开发区"]["plan"] == 30  # given as 荆州经开区 in the file
    assert all(c["expected_from"] == "plan" for c in result["counties"])
    # the χ² compares shares: expected rescaled to the 174 observed (plans sum 260 → E = 174·plan/260)
    scaled = np.array([40, 30, 30, 30, 30, 25, 25, 20, 30]) * 174 / 260
    chi2 = ((np.array(list(SEED_COUNTS.values())) - scaled) ** 2 / scaled).sum()
    assert result["homogeneity"]["chi2"] == pytest.approx(chi2)


def test_plans_with_working_day_progress():
    plans = load_plans(FIXTURES / "plans_all_counties.csv")
    counties = by_region(seed_result(plans=plans, time_basis="workdays"))
    assert counties["江陵县"]["expected"] == pytest.approx(30 * 145 / 249)  # 145 of 249 working days by 31 July


def test_plans_for_some_counties_share_the_city_plan_remainder():
    plans = load_plans(FIXTURES / "plans_some_counties.csv")  # 公安县 40, 江陵县 30
    result = seed_result(plans=plans)
    counties = by_region(result)
    assert counties["公安县"]["expected"] == pytest.approx(40 * 7 / 12)
    # the city plan from the bulletin: 174 ÷ 71.6% = 243.02; left for the 7 others: 243.02 − 70 = 173.02,
    # 24.72 each, × 7/12 = 14.42 expected by now
    city_plan = 174 / 0.716
    assert counties["石首市"]["expected"] == pytest.approx((city_plan - 70) / 7 * 7 / 12)
    assert counties["石首市"]["on_schedule"] is None and counties["石首市"]["plan"] is None
    assert counties["石首市"]["expected_from"] == "city plan remainder"
    assert result["expected_detail"]["unplanned"] == 7
    assert compare_json(result, JINGZHOU)["expected_basis_zh"].endswith(
        "7个县市区没有计划，按全市计划243个扣除已列计划后的余额平均分配。"
    )


def test_plans_file_city_row_is_the_city_plan():
    plans = load_plans(FIXTURES / "plans_with_city.csv")  # 荆州市 250, 公安县 40, 江陵县 30
    counties = by_region(seed_result(plans=plans))
    # (250 − 40 − 30)/7 × 7/12 = 180/12 = 15
    assert counties["洪湖市"]["expected"] == pytest.approx(15.0)


def test_plans_for_some_counties_without_a_city_plan_share_the_observed_rest():
    plans = load_plans(FIXTURES / "plans_some_counties.csv")
    result = seed_result(plans=plans, facts_kwargs={"city_plan_pct": None})
    counties = by_region(result)
    # the seven unplanned counties share the rest equally: (174 − 23 − 11)/7 = 20
    assert counties["石首市"]["expected"] == pytest.approx(20.0)
    assert counties["石首市"]["expected_from"] == "observed remainder"
    assert counties["江陵县"]["on_schedule"] is False


def test_county_plans_above_the_city_plan_fall_back_to_the_observed_rest(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text(
        "year,region,metric,plan\n2015,全市,projects_100m,60\n2015,公安县,projects_100m,40\n"
        "2015,江陵县,projects_100m,30\n",
        encoding="utf-8",
    )
    counties = by_region(seed_result(plans=load_plans(path)))
    assert counties["石首市"]["expected"] == pytest.approx(20.0)  # 60 − 70 < 0: (174 − 23 − 11)/7


def test_plans_for_another_metric_or_year_are_not_used(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text(
        "year,region,metric,plan\n2014,公安县,projects_100m,40\n2015,公安县,projects_started,10\n", encoding="utf-8"
    )
    assert seed_result(plans=load_plans(path))["expected_basis"] == BASIS_EQUAL


def test_clearly_behind_plan_gets_a_sentence_even_inside_widened_limits():
    plans = load_plans(FIXTURES / "plans_uneven.csv")
    result = seed_result(plans=plans)
    counties = by_region(result)
    jiangling = counties["江陵县"]
    # 45 × 7/12 = 26.25 expected; Garwood upper of 11 is 19.68 < 26.25: behind, with evidence
    assert jiangling["expected"] == pytest.approx(26.25)
    assert jiangling["behind_schedule_evidence"] is True
    # the uneven plans make the counties overdispersed (φ > 1), the limits widen and 江陵县 stays inside them
    assert result["overdispersion"]["widened"] is True and jiangling["funnel"] == "inside"
    sentences = county_sentences(result)
    assert len(sentences) == 2
    # 26.25 → 26.3 (half up, as a reader rounds)
    assert (
        sentences[1] == "江陵县11个，95%区间上限19.7个仍低于按计划进度应完成的26.3个（全年计划45个），落后于计划进度。"
    )
    assert sentences[0].startswith("各县市区新引进亿元以上项目的差异")


# ----------------------------------------------------------------------------- other bases, overdispersion


def test_prior_period_shares_when_the_data_has_them():
    earlier = [
        dict(year=2015, months=6, region=r, metric="projects_100m", value=v, unit="个")
        for r, v in zip(SEED_COUNTS, [20, 10, 20, 20, 20, 10, 10, 10, 10])
    ]
    result = compare_from_facts(seed_facts(earlier), year=2015, as_of=7, metric="projects_100m")
    counties = by_region(result)
    # 公安县 had 20 of 130 in 1-6月 → expected 174 × 20/130 = 26.77
    assert counties["公安县"]["expected"] == pytest.approx(174 * 20 / 130)
    assert result["expected_basis"] == BASIS_PRIOR == "prior-period shares"
    assert (
        compare_json(result, JINGZHOU)["expected_basis_zh"]
        == "“按上期占比”= 全市合计 174个 按2015年1-6月各县市区的占比分配。"
    )
    assert result["expected_detail"] == {"prior_year": 2015, "prior_months": 6}


def test_prior_period_missing_a_county_is_not_used():
    earlier = [dict(year=2015, months=6, region=r, metric="projects_100m", value=10) for r in list(SEED_COUNTS)[:8]]
    result = compare_from_facts(seed_facts(earlier), year=2015, as_of=7, metric="projects_100m")
    assert result["expected_basis"] == BASIS_EQUAL


OVERDISPERSED = {
    "公安县": 60,
    "监利县": 5,
    "石首市": 40,
    "荆州开发区": 8,
    "沙市区": 30,
    "荆州区": 3,
    "洪湖市": 12,
    "松滋市": 10,
    "江陵县": 6,
}


def test_overdispersed_counties_widen_the_funnel_and_use_negative_binomial():
    facts = facts_frame(
        [
            dict(year=2015, months=7, region=r, metric="projects_100m", value=v, unit="个")
            for r, v in OVERDISPERSED.items()
        ]
    )
    result = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    od = result["overdispersion"]
    # total 174 again, E = 19.33; Σo² = 6478, Σ(o−e)² = 6478 − 3364 = 3114; χ² = 161.07; φ = 161.07/9 = 17.90
    assert od["phi"] == pytest.approx(3114 / (174 / 9) / 9)
    assert od["widened"] is True and od["limit_factor"] == pytest.approx(math.sqrt(od["phi"]))
    counties = by_region(result)
    gongan = counties["公安县"]
    # 60 vs 19.3 stays out even after widening (O/E = 3.10 > 1 + (1.444 − 1)·4.23 = 2.88)
    assert gongan["funnel"] == "above95"
    assert gongan["funnel_limits"]["hi95"] == pytest.approx(
        1 + (poisson_funnel_limit(174 / 9, 0.975) - 1) * math.sqrt(od["phi"])
    )
    glm = result["glm"]
    assert glm["family"] == "negative binomial"
    # NB2 α by moments: Σ[(o − μ)² − o]/Σμ² = (3114 − 174)/(9 · 19.333²) = 2940/3364 = 0.874
    assert glm["alpha"] == pytest.approx(2940 / 3364)
    # Var(log RR) = Σⱼ (δᵢⱼ − wⱼ)² (1/oⱼ + α), wⱼ = oⱼ/174
    o = np.array(list(OVERDISPERSED.values()), float)
    grad = -o / 174
    grad[0] += 1
    se = math.sqrt(float((grad**2 * (1 / o + glm["alpha"])).sum()))
    assert glm["rate_ratios"][0]["se_log"] == pytest.approx(se, rel=1e-5)
    sentences = county_sentences(result)
    assert sentences[0] == "各县市区新引进亿元以上项目的差异显著（同质性检验 p < 0.001）。"
    # 60 ÷ 19.33 = 3.10
    assert (
        "公安县60个，为全市平均19.3个的3.10倍，高于漏斗图95%控制上限（已按过度离散放宽），差异超出随机波动。"
        in sentences
    )


# ----------------------------------------------------------------------------- input problems


def test_no_county_figures_says_what_the_data_has():
    city_only = seed_facts()[lambda f: (f.region == "荆州市") | (f.metric == "batch_signings_june")]
    with pytest.raises(InputError, match="no county figures of projects_100m for 2015 1-7月") as info:
        compare_from_facts(city_only, year=2015, as_of=7, metric="projects_100m")
    assert "batch_signings_june 2015 1-6月" in str(info.value)
    with pytest.raises(InputError, match="for 2015 1-8月"):
        compare_from_facts(seed_facts(), year=2015, as_of=8, metric="projects_100m")


def test_a_county_the_profile_lacks_is_compared_under_its_own_name():
    # the extractor keeps 荆州新区 (with a warning) rather than dropping it; the comparison shows it too
    odd = seed_facts([dict(year=2015, months=7, region="荆州新区", metric="projects_100m", value=3)])
    result = compare_from_facts(odd, year=2015, as_of=7, metric="projects_100m")
    assert [c["region"] for c in result["counties"]][-1] == "荆州新区"
    assert result["counties_total"] == 177  # 174 + 3
    assert result["city"] == "荆州市"


def test_aliases_in_the_facts_are_resolved_and_repeated_figures_kept_once():
    facts = seed_facts([dict(year=2015, months=7, region="监利市", metric="projects_100m", value=23, source="repost")])
    result = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    assert len(result["counties"]) == 9 and result["homogeneity"]["chi2"] == pytest.approx(6.1034, abs=1e-4)


def test_conflicting_figures_for_a_county_are_an_error():
    facts = seed_facts(
        [dict(year=2015, months=7, region="江陵县", metric="projects_100m", value=12, source="other.txt")]
    )
    with pytest.raises(InputError, match="江陵县 has conflicting figures for projects_100m 2015 1-7月: 11 vs 12"):
        compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")


def test_amount_metrics_and_unknown_metrics_are_refused():
    with pytest.raises(InputError, match="needs a count metric"):
        compare_from_facts(seed_facts(), year=2015, as_of=7, metric="funds_in_place")
    with pytest.raises(InputError, match="unknown metric 'nope'"):
        compare_from_facts(seed_facts(), year=2015, as_of=7, metric="nope")


def test_unknown_time_basis_is_refused():
    with pytest.raises(InputError, match="unknown time-progress basis 'weeks'; allowed: months, days, workdays"):
        seed_result(time_basis="weeks")


# ----------------------------------------------------------------------------- properties


COUNTY_NAMES = get_region("荆州市").unit_names[:9]


@pytest.mark.filterwarnings("error")
@hsettings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=2, max_size=9).filter(lambda v: sum(v) > 0))
def test_any_counts_give_a_consistent_json_result(counts):
    regions = COUNTY_NAMES[: len(counts)]
    facts = facts_frame(
        [dict(year=2015, months=7, region=r, metric="projects_100m", value=v) for r, v in zip(regions, counts)]
    )
    result = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    json.dumps(result, allow_nan=False)
    assert result["homogeneity"]["chi2"] == pytest.approx(stats.chisquare(counts).statistic)
    assert sum(c["expected"] for c in result["counties"]) == pytest.approx(sum(counts))
    assert [c["value"] for c in result["counties"]] == sorted(counts, reverse=True)
    for c in result["counties"]:
        # the exact Poisson interval as statsmodels computes it, and the same interval over the expectation
        garwood = confint_poisson(c["value"], 1, method="exact-c")
        assert c["ci95"] == pytest.approx(garwood, abs=1e-6)
        assert c["oe_ci95"] == pytest.approx([garwood[0] / c["expected"], garwood[1] / c["expected"]], abs=1e-6)
        assert c["rank_interval"][0] <= c["rank"] <= c["rank_interval"][1]
        assert c["funnel"] == funnel_position(c["oe"], c["funnel_limits"])
    flagged = sum(c["funnel"] != "inside" for c in result["counties"])
    assert len(county_sentences(result)) == 1 + flagged


def test_hand_built_plans_with_aliases_and_facts_without_region():
    import pandas as pd

    plans = pd.DataFrame([dict(year=2015, region="荆州经开区", metric="projects_100m", plan=36)])
    counties = by_region(seed_result(plans=plans))
    assert counties["荆州开发区"]["expected"] == pytest.approx(36 * 7 / 12) and counties["荆州开发区"]["plan"] == 36
    with pytest.raises(InputError, match="unknown region '新区' in the plans"):
        seed_result(plans=pd.DataFrame([dict(year=2015, region="新区", metric="projects_100m", plan=36)]))
    with pytest.raises(InputError, match="a projects_100m figure \\(5\\) in the facts has no region"):
        compare_from_facts(
            seed_facts([dict(year=2015, months=7, metric="projects_100m", value=5)]),
            year=2015,
            as_of=7,
            metric="projects_100m",
        )


# ----------------------------------------------------------------------------- the typed result


def test_the_typed_comparison_says_what_it_holds():
    result = compare_counties(seed_facts(), year=2015, as_of=7, metric="projects_100m")
    first, last = result.rows[0], result.rows[-1]
    # 公安县 and 监利县 both have 23: rank 1 twice, tied; 江陵县 has 11 of 174, the last
    assert (first.name, first.rank, first.tied) == ("公安县", 1, True)
    assert (last.name, last.value, last.tied) == ("江陵县", 11.0, False)
    assert last.ratio == pytest.approx(11 / (174 / 9))  # 11 ÷ 19.33 = 0.569
    assert last.share_of_city == pytest.approx(11 / 174)  # the city total is the counties' sum here
    assert result.basis == "equal" and result.counties_sum == 174 and result.unassigned == 0
    assert result.homogeneity.chi2 == pytest.approx(118 / (174 / 9)) and result.homogeneity.df == 8
    assert result.overdispersion.widened is False and result.overdispersion.limit_factor == 1.0
    # 荆州市 has 9 counties, districts and county-level cities plus zones; all nine are listed
    assert result.missing == ()


def test_the_json_object_is_the_typed_result_written_out_and_reads_back():
    plans = load_plans(FIXTURES / "plans_some_counties.csv")
    typed = compare_counties(seed_facts(), year=2015, as_of=7, metric="projects_100m", plans=plans)
    out = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m", plans=plans)
    assert typed.to_json() == out
    assert list(out) == [
        "metric", "city", "year", "as_of", "city_total", "counties_total", "counties", "expected_basis",
        "expected_basis_code", "expected_detail", "homogeneity", "glm", "overdispersion", "context",
    ]  # fmt: skip
    assert CountyComparison.from_json(out, JINGZHOU) == typed
