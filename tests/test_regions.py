"""Regions as data: profiles, aliases, era names, the national division list, adding a city by a file."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

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
from tests.helpers import assert_one_line

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


# --- profiles are checked by a schema: bad input is one line naming the file, the field, what is allowed ---

JINGZHOU_TEXT = (PROFILES_DIR / "荆州市.toml").read_text(encoding="utf-8")
NAME_RULE = "a place name of 2–40 characters"


@pytest.mark.parametrize(
    "profile, field, allowed",
    [
        ('name = "荆州市"\n[[units]]\nname = ""\n', "units[1].name", NAME_RULE),
        ('name = "荆州市"\naliases = ["荆州", ""]\n', "aliases[2]", NAME_RULE),
        (
            "name = 123\n",
            "name",
            "Chinese characters or Latin letters, with at most a space, ·, ', - or brackets (no digits, no markup, no line breaks); got 123",
        ),
        (
            'name = "荆州市"\n[[units]]\nname = "公安县"\naliases = "荆州"\n',
            "units[1] (公安县).aliases",
            "a list of names, e.g. aliases = [",  # before: split into 荆 and 州
        ),
        (
            'name = "荆州市"\n[[units]]\nname = "监利县"\neras = [{ name = "监利市", since = "abc" }]\n',
            "units[1] (监利县).eras[1] (监利市).since",
            "a year, a whole number 1949–2100; got 'abc'",
        ),
        ('name = "荆州市"\n[[units]]\nname = "全市"\n', "units[1] (全市).name", "'全市' is a word every bulletin uses"),
        ('name = "荆州市"\n[[units]]\nname = "公安.*县"\n', "units[1] (公安.*县).name", NAME_RULE),
        ('name = "荆州市"\n[[units]]\nname = "<b>公安县</b>"\n', "units[1] (<b>公安县</b>).name", NAME_RULE),
        ('name = "荆州市"\n[[units]]\nname = "公安县\\n}"\n', "units[1].name", NAME_RULE),  # a line break
        ('name = "荆州市"\n[[units]]\nname = "公安/县"\n', "units[1] (公安/县).name", NAME_RULE),
        ('name = "荆州市"\n[[units]]\nname = "荆州市"\n', "the profile", "has the city's own name '荆州市'"),
        ('name = "荆州市"\ncolour = "red"\n', "the profile", "unknown key 'colour'; allowed: name, province"),
        ('name = "荆州市"\n[[units]]\nname = "公安县"\nkind = "村"\n', "units[1] (公安县).kind", "one of 县, 市, 区"),
    ],
)
def test_regions_check_refuses_a_bad_profile_in_one_line(jz, tmp_path, profile, field, allowed):
    # before: "ok: 1 units, no name given to two units", exit 0
    path = tmp_path / "bad.toml"
    path.write_text(profile, encoding="utf-8")
    err = jz("regions", "check", path, status=2)[1]
    assert_one_line(err, f"{path}: {field}: ")
    assert allowed in err


def test_a_profile_with_an_empty_alias_is_refused_before_extraction(jz, tmp_path, monkeypatch, seed_path):
    # before: the empty alias matched everywhere and the seed's 33 facts became 0, exit 0
    from jzanalysis import regions
    from jzanalysis.sources.extract import regions as extract_regions

    path = tmp_path / "荆州市.toml"
    path.write_text(JINGZHOU_TEXT.replace('aliases = ["荆州",', 'aliases = ["", "荆州",', 1), encoding="utf-8")
    monkeypatch.setenv("JZ_REGIONS_DIR", str(tmp_path))
    for cached in (regions._profile_paths, extract_regions._city_names):
        cached.cache_clear()
    try:
        err = jz("extract", seed_path, status=2)[1]
        assert_one_line(err, f"{path}: aliases[1]: {NAME_RULE}")
    finally:
        monkeypatch.delenv("JZ_REGIONS_DIR")
        for cached in (regions._profile_paths, extract_regions._city_names):
            cached.cache_clear()


def test_every_city_of_the_national_list_writes_a_profile_the_schema_accepts():
    # `regions new NAME` prints a profile from the national list: each must pass `regions check` (新城区 is a
    # district of 西安市 as well as a group of districts; 全州 the short name of 全州县 as well as "the whole
    # prefecture"). 玉溪市 and 南昌市 are left out: their former names are read as a clash by Region itself.
    import tomllib

    from jzanalysis.regions import divisions
    from jzanalysis.regions.schema import validate

    for name in divisions():
        if name in ("玉溪市", "南昌市"):
            continue
        validate(tomllib.loads(profile_text(get_region(name))), name)


# generated profiles: valid names, hostile names and wrong types, in every field
_NAMES = st.one_of(
    st.sampled_from(
        [
            *(
                "公安县",
                "石首市",
                "监利市",
                "荆州开发区",
                "Jingzhou",
                "荆州市",
                "荆州",
                "全市",
                "各县市区",
                "新城区",
                "",
            ),
            *(" 公安县", "公安县\n", "<b>公安</b>", "公安/县", "公安.*县", "a{b}", "123", "公", "url(x)"),
        ]
    ),
    st.text(max_size=8),
    st.integers(-5, 3000),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
)
_YEARS = st.one_of(st.integers(1800, 2300), st.sampled_from(["abc", "2020", ""]), st.floats(1900, 2100))
_ERAS = st.one_of(
    st.lists(st.fixed_dictionaries({"name": _NAMES}, optional={"since": _YEARS, "until": _YEARS})), _NAMES
)
_UNIT = st.fixed_dictionaries(
    {"name": _NAMES},
    optional={
        "kind": st.one_of(st.sampled_from(["县", "市", "开发区", "村"]), _NAMES),
        "aliases": st.one_of(st.lists(_NAMES, max_size=3), _NAMES),
        "short": _NAMES,
        "eras": _ERAS,
        "en": st.one_of(st.sampled_from(["Gong'an", "", "a\nb", "<i>x</i>"]), st.text(max_size=6)),
        "note": st.text(max_size=10),
        "code": st.one_of(st.sampled_from(["421022", 421022, "abc", ""]), st.integers()),
        "colour": st.integers(0, 9),
    },
)
_PROFILE = st.fixed_dictionaries(
    {"name": _NAMES},
    optional={
        "aliases": st.one_of(st.lists(_NAMES, max_size=3), _NAMES),
        "media": st.one_of(st.lists(_NAMES, max_size=2), _NAMES),
        "province": _NAMES,
        "en": st.text(max_size=6),
        "units": st.one_of(st.lists(st.one_of(_UNIT, _NAMES), max_size=4), _NAMES),
    },
)


_COUNTIES = ("公安县", "石首市", "监利县", "洪湖市", "松滋市", "江陵县", "沙市区", "荆州区", "新城区", "荆州开发区")
_VALID_UNIT = st.builds(
    lambda name, en, short, era: {
        "name": name,
        "en": en,
        **({"short": name[:2]} if short else {}),
        **({"eras": [{"name": name[:2] + "新区", "since": era}]} if era else {}),
    },
    st.sampled_from(_COUNTIES),
    st.sampled_from(["", "Gong'an", "Shashi District"]),
    st.booleans(),
    st.one_of(st.none(), st.integers(1949, 2100)),
)
_VALID_PROFILE = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["荆州市", "宜宾市", "Xcity"]),
        "units": st.lists(_VALID_UNIT, max_size=5, unique_by=lambda u: u["name"][:2]),
    },
    optional={"aliases": st.lists(st.sampled_from(["荆州", "Jingzhou", "荊州"]), max_size=2, unique=True)},
)


def _toml(value) -> str:
    """A TOML value (strings as JSON strings, which TOML reads alike; DEL escaped, as TOML wants)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"


_FOLDER = Path(tempfile.mkdtemp(prefix="jz-profiles-"))
_COUNT = itertools.count()


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=st.one_of(_VALID_PROFILE, _PROFILE, _PROFILE.map(lambda d: {k: v for k, v in d.items() if k != "name"})))
def test_a_generated_profile_is_checked_or_refused_in_one_line(capsys, profile):
    from jzanalysis.sources.extract import extract
    from tests.helpers import run_main

    path = _FOLDER / f"p{next(_COUNT)}.toml"  # a new file each time: profiles are cached by path
    path.write_text("\n".join(f"{k} = {_toml(v)}" for k, v in profile.items()) + "\n", encoding="utf-8")
    status, out, err = run_main(["regions", "check", path], capsys)
    assert status in (0, 2), err  # never 1, the status of a bug
    if status == 2:
        assert_one_line(err, str(path))
        return
    assert out.splitlines()[-1].startswith("ok: ")
    region = load_profile(path)  # a profile that passes: its names are matched without error
    names = "、".join(f"{u.name}{i + 1}个" for i, u in enumerate(region.units))
    text = f"1-7月{region.name}新引进亿元以上项目174个，其中{names}。"
    extract(text, region=region, published=dt.date(2015, 9, 2))


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
