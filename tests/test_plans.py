import pytest

from jzanalysis.errors import InputError
from jzanalysis.plans import load_plans

from .conftest import TESTS_DIR


def test_aliases_resolve_to_canonical_names():
    plans = load_plans(TESTS_DIR / "fixtures" / "plans_all_counties.csv")
    assert len(plans) == 9
    assert "荆州开发区" in set(plans.region) and "荆州经开区" not in set(plans.region)
    assert plans.plan.sum() == 260  # 40 + 30·5 + 25·2 + 20


@pytest.mark.parametrize(
    "content, message",
    [
        ("year,region,metric,plan\n2015,荆州新区,projects_100m,10\n", "line 2: unknown region '荆州新区': not in the county registry"),
        ("year,region,metric,plan\n2015,公安县,projects_100m,0\n", "line 2: plan must be > 0"),
        ("year,region,metric,plan\n2015,公安县,projects_100m,abc\n", "plan a number"),
        ("year,region,metric,plan\n2015,公安县,no_metric,10\n", "unknown metric 'no_metric'"),
        ("year,region,plan\n2015,公安县,10\n", "lacks column(s) metric"),
        ("year,region,metric,plan\n2015,公安县,projects_100m,10\n2015,公安县,projects_100m,12\n", "more than one plan (lines 2, 3)"),
    ],
)
def test_bad_plans_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "plans.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plans(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_plans_file(tmp_path):
    with pytest.raises(InputError, match="no such county plans file"):
        load_plans(tmp_path / "nope.csv")
