import pytest

from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse


@pytest.fixture(scope="module")
def seed():
    return analyse(ReportParams.build())


def test_snapshot_resolved_from_the_data(seed):
    # no year or month given: the latest projects_100m figure of the seed is 2015, January..July
    assert (seed.params.year, seed.params.as_of_month) == (2015, 7)
    assert set(seed.forecasts) == {"projects_100m", "funds_in_place"}
    assert seed.comparison["city_total"] == 174
    assert seed.working_days_check["from_publication"] == 82  # 2015-09-02 → 12-31


def test_a_metric_without_figure_is_noted_not_fatal():
    a = analyse(ReportParams.build(year=2015, as_of_month=7, metrics=["projects_100m", "contract_investment"]))
    assert list(a.forecasts) == ["projects_100m"]
    assert a.forecast_notes["contract_investment"].startswith("no contract_investment figure for 荆州市 2015 1-7月")


def test_no_forecast_at_all_is_an_input_error():
    with pytest.raises(InputError, match="no projects_100m figure for 荆州市 2015 1-6月; the data has 2015 1-7月"):
        analyse(ReportParams.build(year=2015, as_of_month=6))
