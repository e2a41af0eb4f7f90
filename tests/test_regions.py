"""Regions as data: profiles, aliases, era names, the national division list, adding a city by a file."""

from __future__ import annotations

import pytest

from jzanalysis.errors import InputError
from jzanalysis.regions import (
    PROFILES_DIR,
    get_region,
    infer_region,
    load_profile,
    pinyin_name,
    profile_names,
    profile_text,
    unit_en,
    unit_kind,
)

JINGZHOU = get_region("荆州市")


def test_jingzhou_profile_has_the_nine_units_of_the_seed_and_two_zones():
    assert JINGZHOU.unit_names[:9] == (
        "公安县",
        "监利县",
        "石首市",
        "洪湖市",
        "松滋市",
        "江陵县",
        "沙市区",
        "荆州区",
        "荆州开发区",
    )
    assert [u.kind for u in JINGZHOU.units[:9]] == ["县", "县", "市", "市", "市", "县", "区", "区", "开发区"]
    assert JINGZHOU.profile == PROFILES_DIR / "荆州市.toml"


@pytest.mark.parametrize(
    "alias, name",
    [
        ("荆州经开区", "荆州开发区"),
        ("荆州经济技术开发区", "荆州开发区"),
        ("监利市", "监利县"),
        ("荆州区（含华中农高区）", "荆州区"),
        ("荆州区(含华中农高区)", "荆州区"),
        (" 石首 ", "石首市"),
        ("公安县", "公安县"),
        ("全市", "荆州市"),
        ("荊州", "荆州市"),
    ],
)
def test_aliases_resolve_to_one_canonical_name(alias, name):
    assert JINGZHOU.canonical(alias) == name


def test_a_short_form_that_is_an_ordinary_word_is_a_unit_only_as_a_whole_list_item():
    # 公安 alone is the police; "、公安23个" is the county
    assert JINGZHOU.unit("公安").name == "公安县"
    assert "公安" not in JINGZHOU.unit("公安县").aliases


def test_unknown_name_is_one_line_naming_what_is_allowed():
    assert JINGZHOU.resolve("荆州新区") is None
    with pytest.raises(
        InputError, match="unknown region '荆州新区': not 荆州市 or one of its units; allowed: 荆州市、公安县"
    ):
        JINGZHOU.canonical("荆州新区")


def test_jianli_is_shown_as_a_city_from_2020():
    jianli = JINGZHOU.unit("监利县")
    assert jianli.display_name(2015) == "监利县" and jianli.display_name(2020) == "监利市"
    assert JINGZHOU.unit("公安县").display_name(2021) == "公安县"


def test_english_names_from_the_profile_or_pinyin():
    assert JINGZHOU.en_name("荆州市") == "Jingzhou" and JINGZHOU.en_name("公安县") == "Gong'an"
    assert JINGZHOU.en_name("荆州开发区") == "Jingzhou Development Zone"
    assert (
        pinyin_name("六安市") == "Lu'an" and unit_en("沙市区") == "Shashi District" and pinyin_name("随县") == "Suixian"
    )
    assert get_region("随州市").en_name("曾都区") == "Zengdu District"  # pypinyin says Ceng; the profile corrects it


def test_every_corpus_city_and_every_prefecture_of_hubei_has_a_profile():
    corpus = {
        "六安市",
        "十堰市",
        "随州市",
        "常德市",
        "赣州市",
        "天津市",
        "咸宁市",
        "雅安市",
        "绵阳市",
        "亳州市",
        "黄冈市",
    }
    hubei = {
        "武汉市",
        "黄石市",
        "十堰市",
        "宜昌市",
        "襄阳市",
        "鄂州市",
        "荆门市",
        "孝感市",
        "荆州市",
        "黄冈市",
        "咸宁市",
        "随州市",
        "恩施土家族苗族自治州",
        "仙桃市",
        "潜江市",
        "天门市",
        "神农架林区",
    }
    assert corpus | hubei <= set(profile_names())


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
def test_every_profile_loads_and_matches_the_national_list(name):
    region = load_profile(PROFILES_DIR / f"{name}.toml")
    assert region.name == name
    # every unit of the national list is in the profile, under its name or an alias/era name
    from jzanalysis.regions import divisions

    for unit_name, _short, _code, _former in divisions()[name]["units"]:
        assert region.unit(unit_name) is not None, (name, unit_name)


def test_luan_profile_places_the_units_its_bulletins_name():
    luan = get_region("六安")
    assert luan.name == "六安市" and luan.en == "Lu'an"
    assert luan.canonical("六安经开区") == "市开发区"  # the name the city's own bulletins use
    assert {"霍山县", "金寨县", "裕安区", "舒城县", "金安区", "霍邱县", "市开发区", "叶集区"} <= set(luan.unit_names)


def test_a_city_without_a_profile_comes_from_the_national_list():
    yibin = get_region("宜宾")
    assert yibin.name == "宜宾市" and yibin.profile is None and yibin.province == "四川省"
    assert {"翠屏区", "南溪区", "叙州区"} <= set(yibin.unit_names)
    assert yibin.unit("宜宾县") is not None  # renamed 叙州区 in 2018: its old name is an era name
    assert yibin.unit("宜宾县").name == "叙州区" and yibin.unit("叙州区").display_name(2015) == "宜宾县"


def test_unknown_city_is_one_line():
    with pytest.raises(InputError, match="unknown region '荆州县'; allowed: a city with a profile"):
        get_region("荆州县")


def test_infer_region_from_names():
    assert infer_region(["公安县", "江陵县"]).name == "荆州市"
    assert infer_region(["雨城区"]).name == "雅安市"
    assert infer_region(["nowhere"]) is None


def test_unit_kinds_from_names():
    assert [unit_kind(n) for n in ("公安县", "荆州开发区", "随州高新区", "石首市", "沙市区", "滨海新区")] == [
        "县",
        "开发区",
        "高新区",
        "市",
        "区",
        "新区",
    ]


def test_adding_a_city_is_adding_a_file(tmp_path, monkeypatch):
    """A profile written by `jzanalysis regions new` into JZ_REGIONS_DIR, edited to add a zone, is used by
    the extractor for a bulletin of that city."""
    from jzanalysis import regions
    from jzanalysis.sources import extract_text
    from jzanalysis.sources.extract import regions as extract_regions

    text = (
        profile_text(get_region("宜宾市"))
        + '\n[[units]]\nname = "宜宾三江新区"\nkind = "新区"\nen = "Sanjiang New Area"\naliases = ["三江新区"]\n'
    )
    (tmp_path / "宜宾市.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("JZ_REGIONS_DIR", str(tmp_path))
    for cached in (regions._profile_paths, extract_regions._city_names):
        cached.cache_clear()
    try:
        assert get_region("宜宾市").profile == tmp_path / "宜宾市.toml"
        facts, _cleaned, warnings, _conflicts, _published = extract_text(
            "发布时间:2023-08-01\n宜宾市1-7月全市新签约亿元以上项目120个,其中三江新区30个,翠屏区25个。", "yibin.txt"
        )
        assert sorted(zip(facts.region, facts.value)) == [("宜宾三江新区", 30.0), ("宜宾市", 120.0), ("翠屏区", 25.0)]
        assert not any("profile" in w for w in warnings)
    finally:
        monkeypatch.delenv("JZ_REGIONS_DIR")
        for cached in (regions._profile_paths, extract_regions._city_names):
            cached.cache_clear()


def test_english_names_of_autonomous_counties_and_chang_places():
    # as the counties write themselves in English: place, people(s), "Autonomous County"; 长 opens a place
    # name as chang (长阳 Changyang, 长宁 Changning), 长子县 alone is Zhangzi
    yichang = {u.name: u.en for u in get_region("宜昌市").units}
    assert yichang["长阳土家族自治县"] == "Changyang Tujia Autonomous County"
    assert yichang["五峰土家族自治县"] == "Wufeng Tujia Autonomous County"
    assert {u.name: u.en for u in get_region("绵阳市").units}["北川羌族自治县"] == "Beichuan Qiang Autonomous County"
    assert unit_en("恩施土家族苗族自治州") == "Enshi Tujia Miao Autonomous Prefecture"
    assert (unit_en("长宁县"), unit_en("长子县")) == ("Changning", "Zhangzi")
    # a county named as its city gets its kind: 长沙县 is Changsha County beside Changsha
    assert {u.name: u.en for u in get_region("长沙市").units}["长沙县"] == "Changsha County"


def test_a_renamed_unit_listed_twice_in_the_national_list_is_one_unit():
    # divisions.csv keeps 澄江县 (530422) beside 澄江市 (530481, former 澄江县<2019): one place renamed, not a clash
    yuxi = get_region("玉溪市")
    assert yuxi.unit("澄江县").name == "澄江市" and yuxi.unit("澄江市").display_name(2018) == "澄江县"
    assert "澄江县" not in yuxi.unit_names
    # 湾里区 went into 新建区 in 2019: its name finds 新建区
    assert get_region("南昌市").resolve("湾里区") == "新建区"


def test_an_autonomous_prefecture_is_found_by_its_short_name_with_zhou():
    # bulletins say 海北州 for 海北藏族自治州 (short form 海北 + 州)
    haibei = get_region("海北州")
    assert haibei.name == "海北藏族自治州" and haibei.resolve("海北州") == "海北藏族自治州"


def test_every_region_of_the_national_list_loads():
    # a unit listed under its old and its new name (澄江县/澄江市) once stopped a whole run with a "name clash"
    from jzanalysis.regions import divisions, find_region

    assert all(find_region(name) is not None for name in divisions())
