"""The county plans loader: canonical regions, one-line errors naming the file and line."""

import pytest

from jzanalysis.errors import InputError
from jzanalysis.plans import load_plans
from jzanalysis.regions import get_region

from .conftest import TESTS_DIR

FIXTURES = TESTS_DIR / "fixtures"


def test_aliases_resolve_to_canonical_names():
    plans = load_plans(FIXTURES / "plans_all_counties.csv")
    assert len(plans) == 9
    assert "荆州开发区" in set(plans.region) and "荆州经开区" not in set(plans.region)
    assert plans.plan.sum() == 260  # 40 + 30·5 + 25·2 + 20
    assert list(plans.columns) == ["year", "region", "metric", "plan"]
    assert plans.year.dtype == "int64" and plans.plan.dtype == "float64"


def test_some_counties_and_the_city():
    plans = load_plans(FIXTURES / "plans_with_city.csv")
    assert plans.set_index("region").plan.to_dict() == {"荆州市": 250.0, "公安县": 40.0, "江陵县": 30.0}
    assert len(load_plans(FIXTURES / "plans_some_counties.csv")) == 2


def test_unknown_county_names_the_region_file_and_line():
    with pytest.raises(InputError) as info:
        load_plans(FIXTURES / "plans_bad_region.csv")
    message = str(info.value)
    assert message.startswith(
        "unknown region '荆州新区' in plans_bad_region.csv line 4: not 荆州市 or one of its units; allowed: "
    )
    assert "公安县" in message and "荆州开发区" in message and "\n" not in message


@pytest.mark.parametrize(
    "content, message",
    [
        ("year,region,metric,plan\n2015,荆州新区,projects_100m,10\n", "unknown region '荆州新区' in plans.csv line 2"),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,0\n",
            "plans.csv line 2: plan must be a number 0.01..1,000,000 个, got '0'",
        ),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,-5\n",
            "line 2: plan must be a number 0.01..1,000,000 个, got '-5'",
        ),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,abc\n",
            "line 2: plan must be a number 0.01..1,000,000 个, got 'abc'",
        ),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,inf\n",
            "line 2: plan must be a number 0.01..1,000,000 个, got 'inf'",
        ),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,1e308\n",
            "line 2: plan must be a number 0.01..1,000,000 个, got '1e308'",
        ),
        (
            "year,region,metric,plan\n2015,公安县,funds_in_place,1e-300\n",
            "line 2: plan must be a number 0.01..1,000,000 亿元, got '1e-300'",
        ),
        ("year,region,metric,plan\n2015,公安县,projects_100m,\n", "line 2: plan is empty"),
        (
            "year,region,metric,plan\n99999999999,公安县,projects_100m,10\n",
            "line 2: year must be a whole number 1990..2100, got 99999999999",
        ),
        ("year,region,metric,plan\n二〇一五,公安县,projects_100m,10\n", "line 2: year must be a whole number"),
        ("year,region,metric,plan\n2015,公安县,no_metric,10\n", "line 2: unknown metric 'no_metric'"),
        ("year,region,plan\n2015,公安县,10\n", "lacks column(s) metric"),
        ("region,plan\n公安县,10\n", "lacks column(s) year, metric"),
        ("", "plans.csv is empty"),
        (
            "year,region,metric,plan\n2015,公安县,projects_100m,10\n2015,公安县,projects_100m,12\n",
            "公安县 projects_100m 2015 has more than one plan (lines 2, 3)",
        ),
        (
            "year,region,metric,plan\n2015,监利县,projects_100m,10\n2015,监利市,projects_100m,12\n",
            "监利县 projects_100m 2015 has more than one plan (lines 2, 3)",
        ),
    ],
)
def test_bad_plans_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "plans.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plans(path, get_region("荆州市"))  # the city given, as the report and compare commands do
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_plans_file_whose_regions_belong_to_no_city_asks_for_the_city(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("year,region,metric,plan\n2015,荆州新区,projects_100m,10\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"plans\.csv: its regions belong to no known city; give the city with --region NAME"
    ):
        load_plans(path)


def test_bom_spaces_extra_columns_and_blank_lines_are_fine(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text(
        "\ufeffyear, region, metric, plan, note\n2015, 荆州区(含华中农高区), projects_100m, 25, 含农高区\n,,,,\n",
        encoding="utf-8",
    )
    plans = load_plans(path)
    assert plans.to_dict("records") == [{"year": 2015, "region": "荆州区", "metric": "projects_100m", "plan": 25.0}]


def test_missing_plans_file(tmp_path):
    with pytest.raises(InputError, match=r"no such county plans file: .*nope\.csv"):
        load_plans(tmp_path / "nope.csv")
