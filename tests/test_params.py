import pytest

from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams


def test_defaults_point_at_the_seed():
    params = ReportParams.build()
    assert params.source.endswith("data/raw/000_f5510f0c233d12e8.txt")
    assert params.metrics == ("projects_100m", "funds_in_place")


def test_notebook_parameters_are_plain_json_values():
    values = ReportParams.build(year=2015, as_of_month=7, dispersion=0.2).notebook_parameters()
    assert values["metrics"] == ["projects_100m", "funds_in_place"]
    assert values["dispersion"] == 0.2 and values["year"] == 2015


@pytest.mark.parametrize(
    "values, message",
    [
        (dict(as_of_month=13), "as_of_month: as-of month must be 1..11, got 13"),
        (dict(as_of_month=0), "as-of month must be 1..11, got 0"),
        (dict(metrics=["nope"]), "unknown metric 'nope'"),
        (dict(dispersion=-1), "dispersion must be >= 0"),
        (dict(plans={"projects_100m": 0}), "plan for projects_100m must be > 0"),
        (dict(language="en"), "allowed: zh"),
        (dict(colour="red"), "colour"),
    ],
)
def test_bad_parameters_are_one_line_input_errors(values, message):
    with pytest.raises(InputError) as info:
        ReportParams.build(**values)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
