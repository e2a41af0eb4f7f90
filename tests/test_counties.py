"""The county registry: canonical names, aliases, the city, unknown names."""

import pytest

from jzanalysis import settings
from jzanalysis.counties import CITY_ALIASES, COUNTIES, COUNTY_NAMES, canonical_region, is_county, resolve
from jzanalysis.errors import InputError


def test_nine_county_level_units_in_the_seed_order_of_the_registry():
    assert COUNTY_NAMES == ("公安县", "监利县", "石首市", "洪湖市", "松滋市", "江陵县", "沙市区", "荆州区", "荆州开发区")
    assert len({c.name for c in COUNTIES}) == 9


@pytest.mark.parametrize(
    "alias, name",
    [("荆州经开区", "荆州开发区"), ("荆州经济技术开发区", "荆州开发区"), ("监利市", "监利县"), ("监利", "监利县"),
     ("荆州区（含华中农高区）", "荆州区"), ("荆州区(含华中农高区)", "荆州区"), (" 石首 ", "石首市"), ("公安县", "公安县")],
)
def test_aliases_resolve(alias, name):
    assert resolve(alias).name == name
    assert canonical_region(alias) == name


def test_no_alias_names_two_counties():
    seen = {}
    for county in COUNTIES:
        for alias in (county.name, *county.aliases):
            assert seen.setdefault(alias, county.name) == county.name


def test_city_and_unknown_names():
    assert all(canonical_region(a) == settings.CITY == "荆州市" for a in CITY_ALIASES)
    assert resolve("荆州市") is None and not is_county("荆州市")
    assert resolve("荆州新区") is None
    with pytest.raises(InputError, match="unknown region '荆州新区': not in the county registry; allowed: 荆州市、公安县"):
        canonical_region("荆州新区")


def test_is_county_takes_canonical_names_only():
    assert is_county("公安县") and not is_county("监利市")


def test_jianli_is_shown_as_a_city_from_2020():
    jianli = resolve("监利县")
    assert jianli.display_name(2015) == "监利县" and jianli.display_name(2020) == "监利市"
    assert resolve("公安县").display_name(2021) == "公安县"


def test_lookup_region_is_lenient():
    from jzanalysis.counties import lookup_region

    assert lookup_region(" 全市 ") == "荆州市" and lookup_region("监利市") == "监利县" and lookup_region("荆州新区") is None
