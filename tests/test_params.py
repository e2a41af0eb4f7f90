import pytest

from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams


def test_defaults_point_at_the_seed():
    params = ReportParams.build()
    assert params.source.endswith("data/raw/000_f5510f0c233d12e8.txt")
    # no metric list: the report forecasts every forecastable metric the bulletin has a figure for
    assert params.metrics is None


def test_notebook_parameters_are_plain_json_values():
    values = ReportParams.build(year=2015, as_of_month=7, dispersion=0.2).notebook_parameters()
    assert values["metrics"] is None
    given = ReportParams.build(metrics=("projects_100m", "funds_in_place")).notebook_parameters()
    assert given["metrics"] == ["projects_100m", "funds_in_place"]
    assert values["dispersion"] == 0.2 and values["year"] == 2015


@pytest.mark.parametrize(
    "values, message",
    [
        # 12 is a year-end bulletin (reviewed, not forecast): the month runs 1..12
        (dict(as_of_month=13), "as_of_month: as-of month must be a whole number 1..12, got 13"),
        (dict(as_of_month=0), "as-of month must be a whole number 1..12, got 0"),
        (dict(year=99999999999), "year: year must be a whole number 1990..2100, got 99999999999"),
        (dict(year=1989), "year must be a whole number 1990..2100, got 1989"),
        (dict(year="soon"), "year must be a whole number 1990..2100, got 'soon'"),
        (dict(metrics=["nope"]), "unknown metric 'nope'"),
        (dict(dispersion=-1), "dispersion must be a number 0..1, got -1"),
        (dict(dispersion=1e308), "dispersion must be a number 0..1, got 1e+308"),
        (dict(dispersion=float("nan")), "dispersion must be a number 0..1, got nan"),
        (dict(dispersion=float("inf")), "dispersion must be a number 0..1, got inf"),
        (
            dict(plans={"projects_100m": 0}),
            "plan for projects_100m must be a number 0.01..1,000,000 (in its unit), got 0",
        ),
        (
            dict(plans={"projects_100m": 1e308}),
            "plan for projects_100m must be a number 0.01..1,000,000 (in its unit), got 1e+308",
        ),
        (
            dict(plans={"funds_in_place": 1e-300}),
            "plan for funds_in_place must be a number 0.01..1,000,000 (in its unit), got 1e-300",
        ),
        (dict(plans={"nope": 10}), "plan given for unknown metric 'nope'"),
        (dict(language="fr"), "'fr' is not available; allowed: zh or en"),
        (dict(sigma=-0.1), "sigma must be a number 0..1, got -0.1"),
        (dict(sigma=float("nan")), "sigma must be a number 0..1, got nan"),
        (dict(colour="red"), "colour"),
    ],
)
def test_bad_parameters_are_one_line_input_errors(values, message):
    with pytest.raises(InputError) as info:
        ReportParams.build(**values)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "values",
    [
        dict(year=1990, as_of_month=1, dispersion=0),
        dict(year=2100, as_of_month=11, dispersion=1),
        dict(plans={"projects_100m": 0.01, "funds_in_place": 1e6}),
    ],
)
def test_the_ends_of_each_range_are_allowed(values):
    params = ReportParams.build(**values)
    assert {k: getattr(params, k) for k in values} == values
