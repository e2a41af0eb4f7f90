import pytest

from jzanalysis.errors import InputError
from jzanalysis.metrics import by_priority
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse


@pytest.fixture(scope="module")
def seed():
    return analyse(ReportParams.build())


def test_snapshot_resolved_from_the_data(seed):
    # no year or month given: the latest projects_100m figure of the seed is 2015, January..July
    assert (seed.params.year, seed.params.as_of_month) == (2015, 7)
    # no metric list: every forecastable metric with a 1-7月 figure, in the catalogue's priority order
    # (新引进亿元以上项目 priority 10, 实际到位资金 20, then the seed's other running totals)
    assert list(seed.forecasts)[:2] == ["projects_100m", "funds_in_place"]
    assert list(seed.forecasts) == by_priority(seed.forecasts)
    assert {"projects_1b", "leader_leads"} <= set(seed.forecasts)
    assert seed.comparison["city_total"] == 174
    assert seed.working_days_check["from_publication"] == 82  # 2015-09-02 → 12-31


def test_a_metric_without_figure_is_noted_not_fatal():
    a = analyse(ReportParams.build(year=2015, as_of_month=7, metrics=["projects_100m", "contract_investment"]))
    assert list(a.forecasts) == ["projects_100m"]
    assert a.forecast_notes["contract_investment"].startswith("no contract_investment figure for 荆州市 2015 1-7月")


def test_no_forecast_at_all_is_an_input_error():
    # a month asked for that the data has no figure of is a bad request; it says which months the data has
    with pytest.raises(InputError, match="no figure for 荆州市 2015 1-6月; the data has 2014 1-12月, 2015 1-7月"):
        analyse(ReportParams.build(year=2015, as_of_month=6))
    with pytest.raises(InputError, match="no projects_100m figure for 荆州市 2015 1-6月; the data has 2015 1-7月"):
        analyse(ReportParams.build(year=2015, as_of_month=6, metrics=["projects_100m"]))
