import datetime as dt

import pytest

from jzanalysis.progress import derived_table, implied_plan, prior_year_same_period, working_days_left_check


def test_implied_plan_and_prior_year_from_the_seed():
    assert implied_plan(174, 71.6) == pytest.approx(243.02, abs=0.01)  # 174 / 0.716
    assert implied_plan(798, 61.4) == pytest.approx(1299.67, abs=0.01)  # 798 / 0.614 ≈ 1300亿
    assert prior_year_same_period(798, 31.3) == pytest.approx(607.77, abs=0.01)  # 798 / 1.313


def test_derived_table_for_the_seed(seed_city_facts):
    table = derived_table(seed_city_facts, 2015, 7, "荆州市").set_index("metric")
    projects = table.loc["projects_100m"]
    assert projects.implied_plan == pytest.approx(243.02, abs=0.01)
    assert projects.time_progress_months == pytest.approx(58.33, abs=0.01)  # 7/12
    assert projects.time_progress_workdays == pytest.approx(58.23, abs=0.01)  # 145/249
    assert projects.gap_months == pytest.approx(71.6 - 58.33, abs=0.01)  # 13.27 points ahead
    assert projects.observed_pace == pytest.approx(24.86, abs=0.01)  # 174 / 7
    assert projects.required_pace == pytest.approx(13.80, abs=0.01)  # (243.02 − 174) / 5
    funds = table.loc["funds_in_place"]
    assert funds.prior_year == pytest.approx(607.77, abs=0.01)
    assert funds.observed_pace == pytest.approx(114.0)  # 798 / 7
    assert funds.required_pace == pytest.approx(100.33, abs=0.01)  # (1299.67 − 798) / 5


def test_derived_table_skips_figures_without_plan_pct(seed_city_facts):
    facts = seed_city_facts.copy()
    facts.loc[0, "plan_pct"] = None
    assert list(derived_table(facts, 2015, 7, "荆州市").metric) == ["funds_in_place"]


def test_working_days_left_check_for_the_seed_claim():
    check = working_days_left_check(2015, 100, dt.date(2015, 9, 2))
    assert check["from_publication"] == 82
    assert check["exact_from"] == dt.date(2015, 8, 7)
    assert check["after_month"][7] == 104  # 249 − 145
