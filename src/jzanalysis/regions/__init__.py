"""Regions as data: a city, its county-level units, and every name bulletins use for them.

A :class:`Region` is loaded from a profile file, one per city (``regions/profiles/荆州市.toml``, package
data; more in the folder named by ``JZ_REGIONS_DIR``). It flows through the pipeline: extraction files city
figures under ``region.name`` and county figures under a unit's canonical name; comparison, plots and
reports take their list of counties from it. No module names a city in code.

A city without a profile is still a region: :func:`get_region` builds one from China's national division
list (``divisions.csv``: names, short names and codes of every prefecture and county-level unit), marked
``profile=None`` so callers can say that development zones, aliases and English names are missing.

>>> jingzhou = get_region("荆州")
>>> jingzhou.name, jingzhou.canonical("荆州经开区"), jingzhou.canonical("监利市")
('荆州市', '荆州开发区', '监利县')
>>> jingzhou.unit("监利县").display_name(2021)
'监利市'
>>> get_region("宜宾市").profile is None, "翠屏区" in get_region("宜宾市").unit_names
(True, True)
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .national import divisions

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

# Kinds of county-level unit, by the suffix of the name (longest first).
UNIT_KINDS = (
    ("经济技术开发区", "开发区"),
    ("经济开发区", "开发区"),
    ("高新技术产业开发区", "高新区"),
    ("开发区", "开发区"),
    ("经开区", "开发区"),
    ("高新区", "高新区"),
    ("新区", "新区"),
    ("管理区", "管理区"),
    ("园区", "园区"),
    ("示范区", "园区"),
    ("自治县", "县"),
    ("自治旗", "县"),
    ("林区", "区"),
    ("特区", "区"),
    ("县", "县"),
    ("旗", "县"),
    ("市", "市"),
    ("区", "区"),
)
_EN_SUFFIX = {
    "开发区": "Development Zone",
    "高新区": "Hi-tech Zone",
    "新区": "New Area",
    "管理区": "Administrative Area",
    "园区": "Park",
    "区": "District",
}


@dataclass(frozen=True)
class Era:
    """A name a unit had in some years: ``since``/``until`` inclusive, None = open."""

    name: str
    since: int | None = None
    until: int | None = None

    def covers(self, year: int) -> bool:
        return (self.since is None or year >= self.since) and (self.until is None or year <= self.until)


@dataclass(frozen=True)
class Unit:
    """A county-level unit (县, 县级市, 区, 开发区, 高新区, 新区, …).

    ``name`` is canonical (the name figures are filed under); ``aliases`` are other names bulletins use
    anywhere in a sentence; ``short`` is the bare short form (公安 for 公安县), accepted only as a whole list
    item ("、公安23个") because alone it is often an ordinary word; ``eras`` are the names of other years.
    """

    name: str
    kind: str
    en: str = ""
    aliases: tuple[str, ...] = ()
    short: str = ""
    eras: tuple[Era, ...] = ()
    note: str = ""
    code: str = ""

    def display_name(self, year: int | None = None) -> str:
        """The name to show for figures of ``year`` (监利县 → 监利市 from 2020)."""
        if year is not None:
            for era in self.eras:
                if era.covers(year):
                    return era.name
        return self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of this unit that can be matched anywhere in a text."""
        return (self.name, *self.aliases, *(e.name for e in self.eras))


@dataclass(frozen=True)
class Region:
    """A city and its county-level units (see the module docstring).

    ``profile`` is the profile file it was read from, None for a region built from the national list only.
    """

    name: str
    province: str = ""
    code: str = ""
    en: str = ""
    aliases: tuple[str, ...] = ()
    units: tuple[Unit, ...] = ()
    profile: Path | None = None
    media: tuple[str, ...] = ()  # local papers and news sites: a repost that names no city still names them
    _index: dict[str, Unit] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, Unit] = {}
        for unit in self.units:
            for name in unit.names:
                other = index.get(name)
                if other is not None and other.name != unit.name:
                    raise InputError(f"{self.source}: the name {name!r} is given to both {other.name} and {unit.name}")
                index[name] = unit
        object.__setattr__(self, "_index", index)

    @property
    def source(self) -> str:
        return str(self.profile) if self.profile else f"{self.name} (national division list)"

    @property
    def unit_names(self) -> tuple[str, ...]:
        """Canonical names of the county-level units, in profile order."""
        return tuple(u.name for u in self.units)

    @property
    def city_names(self) -> tuple[str, ...]:
        """Names that mean the whole city: its name and aliases (全市/我市 are read by the extractor)."""
        return (self.name, *self.aliases)

    def unit(self, name: str) -> Unit | None:
        """The unit ``name`` (canonical, alias or era name; a short form only when it is the whole text) means."""
        name = name.strip()
        unit = self._index.get(name)
        if unit is None and name:
            unit = next((u for u in self.units if u.short and u.short == name), None)
        return unit

    def resolve(self, name: str) -> str | None:
        """Canonical region for ``name``: the city for its names and 全市/我市, a unit's canonical name, else None."""
        name = str(name).strip()
        if name in self.city_names or name in ("全市", "我市", "本市"):
            return self.name
        unit = self.unit(name)
        return unit.name if unit else None

    def canonical(self, name: str) -> str:
        """:meth:`resolve`, or a one-line :class:`InputError` listing the allowed names."""
        resolved = self.resolve(name)
        if resolved is None:
            allowed = "、".join((self.name, *self.unit_names))
            raise InputError(
                f"unknown region {name.strip()!r}: not {self.name} or one of its units; allowed: {allowed} (or an alias)"
            )
        return resolved

    def is_unit(self, name: str) -> bool:
        """True for a canonical unit name of this region (not the city)."""
        return name in self.unit_names

    def en_name(self, name: str) -> str:
        """English name of the city or of a unit (its pinyin when the profile gives none)."""
        if name == self.name:
            return self.en or pinyin_name(name)
        unit = self.unit(name)
        if unit is not None and unit.en:
            return unit.en
        return pinyin_name(name)


# --------------------------------------------------------------------------- loading


def _profile_dirs() -> list[Path]:
    extra = os.environ.get("JZ_REGIONS_DIR")
    return [Path(extra), PROFILES_DIR] if extra else [PROFILES_DIR]


@functools.cache
def _profile_paths() -> dict[str, Path]:
    """Profile file of each city name and alias (a user folder first, then the package's)."""
    paths: dict[str, Path] = {}
    for folder in reversed(_profile_dirs()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            region = load_profile(path)
            for name in region.city_names:
                paths[name] = path
    return paths


def profile_names() -> list[str]:
    """Canonical names of the cities that have a profile, sorted."""
    return sorted({load_profile(p).name for p in _profile_paths().values()})


@functools.cache
def load_profile(path: Path) -> Region:
    """Read one profile file into a :class:`Region`; a one-line :class:`InputError` says what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: not a readable region profile ({exc})") from None
    from .schema import validate  # pydantic: imported when a profile is read, not with this module

    profile = validate(data, str(path))
    units = [
        Unit(
            name=raw.name,
            kind=raw.kind or unit_kind(raw.name),
            en=raw.en,
            aliases=tuple(raw.aliases),
            short=raw.short,
            eras=tuple(Era(era.name, era.since, era.until) for era in raw.eras),
            note=raw.note,
            code=raw.code,
        )
        for raw in profile.units
    ]
    return Region(
        name=profile.name,
        province=profile.province,
        code=profile.code,
        en=profile.en,
        aliases=tuple(profile.aliases),
        units=tuple(units),
        profile=path,
        media=tuple(profile.media),
    )


@functools.cache
def _division_aliases() -> dict[str, str]:
    names: dict[str, str] = {}
    for name, entry in divisions().items():
        names[name] = name
        for alias in _short_names(name, entry["short"]):
            names.setdefault(alias, name)
    return names


def _short_names(name: str, short: str) -> tuple[str, ...]:
    """A region's short names: its short form (宜宾) and, for an autonomous prefecture, the short form with 州
    (海北州 for 海北藏族自治州), the name bulletins use for it."""
    if len(short) < 2 or short == name:
        return ()
    return (short, f"{short}州") if name.endswith("自治州") else (short,)


def _live_units(units: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """The units of a national-list entry without a unit that is another's former name (澄江县 became 澄江市
    in 2019; 湾里区 went into 新建区): the list keeps both rows, the later unit holds the old name as an era."""
    former = {f.split("<")[0] for *_, formers in units for f in formers.split(";") if f}
    return [unit for unit in units if unit[0] not in former]


def _from_divisions(name: str) -> Region:
    entry = divisions()[name]
    city_en = pinyin_name(name)
    units = []
    for unit_name, short, code, former in _live_units(entry["units"]):
        en = unit_en(unit_name)
        if en == city_en:  # 长沙县 beside 长沙市: the county says it is one
            en += " County"
        eras = tuple(Era(old, None, int(year) - 1) for old, year in (f.split("<") for f in former.split(";") if f))
        units.append(
            Unit(
                unit_name,
                unit_kind(unit_name),
                aliases=zone_forms(unit_name),
                en=en,
                short=short if short != unit_name else "",
                eras=eras,
                code=code,
            )
        )
    return Region(
        name=name,
        province=entry["province"],
        code=entry["code"],
        en=pinyin_name(name),
        aliases=_short_names(name, entry["short"]),
        units=tuple(units),
        profile=None,
    )


# the long and short forms of a zone's kind: 淮安经济技术开发区 is 淮安经开区
_ZONE_FORMS = (
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
)


def zone_forms(name: str) -> tuple[str, ...]:
    """A development zone's other written forms (淮安经济技术开发区 ↔ 淮安经开区); () for other units.

    >>> zone_forms("淮安经济技术开发区"), zone_forms("济宁经开区")[:1], zone_forms("公安县")
    (('淮安经开区',), ('济宁经济技术开发区',), ())
    """
    others = []
    for long, short in _ZONE_FORMS:
        if name.endswith(long):
            others.append(name[: -len(long)] + short)
        elif name.endswith(short):
            others.append(name[: -len(short)] + long)
    return tuple(dict.fromkeys(o for o in others if o != name))


def find_region(name: str) -> Region | None:
    """The region ``name`` (canonical name or alias) means: its profile, else the national list's entry, else None."""
    name = str(name).strip()
    path = _profile_paths().get(name)
    if path is not None:
        return load_profile(path)
    canonical = _division_aliases().get(name)
    if canonical is None:
        return None
    path = _profile_paths().get(canonical)
    return load_profile(path) if path is not None else _from_divisions(canonical)


def get_region(name: str) -> Region:
    """:func:`find_region`, or a one-line :class:`InputError` naming what is allowed."""
    region = find_region(name)
    if region is None:
        shown = "、".join(profile_names())
        raise InputError(
            f"unknown region {str(name).strip()!r}; allowed: a city with a profile ({shown}) or any "
            "prefecture-level city of China by its name (e.g. 宜宾市)"
        )
    return region


def all_city_names() -> dict[str, str]:
    """Every name (canonical, alias, short form) of every city with a profile or in the national list → canonical."""
    names = dict(_division_aliases())
    for path in _profile_paths().values():
        region = load_profile(path)
        for alias in region.city_names:
            names[alias] = region.name
    return names


def all_media_names() -> dict[str, str]:
    """Local papers and news sites named in profiles → the city they belong to."""
    return {m: load_profile(p).name for p in set(_profile_paths().values()) for m in load_profile(p).media}


# --------------------------------------------------------------------------- names


def unit_kind(name: str) -> str:
    """Kind of a county-level unit from its name: 县, 市, 区, 开发区, 高新区, 新区, 管理区, 园区.

    >>> unit_kind("公安县"), unit_kind("荆州开发区"), unit_kind("随州高新区"), unit_kind("石首市")
    ('县', '开发区', '高新区', '市')
    """
    for suffix, kind in UNIT_KINDS:
        if name.endswith(suffix):
            return kind
    return "区"


_STEM_RE = re.compile(
    r"(?:(?:[\u4e00-\u9fff]{1,4}族)+)?(?:自治县|自治旗|经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区|新区|"
    r"管理区|林区|特区|园区|示范区|县|旗|市|区)$"
)


# 长阳土家族自治县: the place (长阳), its peoples (土家族, one or more) and the kind (自治县)
_AUTONOMOUS_RE = re.compile(
    r"^(?P<stem>[\u4e00-\u9fff]{2,}?)(?P<peoples>(?:[\u4e00-\u9fff]{1,4}?族)+)自治(?P<kind>县|旗|州)$"
)
_AUTONOMOUS_EN = {"县": "Autonomous County", "旗": "Autonomous Banner", "州": "Autonomous Prefecture"}


def _syllables(word: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin  # its dictionaries: 0.4 s, only when a name is put into pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    # 长 opens place names as chang (长沙, 长阳, 长宁, 长治), which pypinyin reads zhang outside its phrase
    # list; 长子县 is the one place read zhang
    if word.startswith("长") and not word.startswith("长子") and syllables:
        syllables[0] = "chang"
    return syllables


def pinyin_name(name: str) -> str:
    """Pinyin of a place name without its suffix, with the standard apostrophe: 公安县 → Gong'an, 六安市 → Lu'an.

    >>> pinyin_name("公安县"), pinyin_name("六安市"), pinyin_name("石首市"), pinyin_name("随县")
    ("Gong'an", "Lu'an", 'Shishou', 'Suixian')
    >>> pinyin_name("长阳土家族自治县"), pinyin_name("长宁县")
    ('Changyang', 'Changning')
    """
    autonomous = _AUTONOMOUS_RE.match(name)
    stem = autonomous.group("stem") if autonomous else _STEM_RE.sub("", name)
    if len(stem) < 2:  # 随县 → Suixian, not Sui
        stem = name
    syllables = _syllables(stem)
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in "aoe":
            word += "'"
        word += syllable
    return word.capitalize()


def unit_en(name: str) -> str:
    """An English name for a county-level unit: the pinyin stem, with District/Development Zone/… where the
    kind is not a county or county-level city (荆州区 → Jingzhou District, so it differs from the city).

    >>> unit_en("沙市区"), unit_en("荆州开发区"), unit_en("公安县")
    ('Shashi District', 'Jingzhou Development Zone', "Gong'an")
    >>> unit_en("长阳土家族自治县"), unit_en("北川羌族自治县")
    ('Changyang Tujia Autonomous County', 'Beichuan Qiang Autonomous County')
    """
    autonomous = _AUTONOMOUS_RE.match(name)
    if autonomous:
        peoples = re.findall(r"[\u4e00-\u9fff]{1,4}?族", autonomous.group("peoples"))
        named = [pinyin_name(name)] + ["".join(_syllables(p[:-1])).capitalize() for p in peoples]
        return " ".join([*named, _AUTONOMOUS_EN[autonomous.group("kind")]])
    kind = unit_kind(name)
    suffix = _EN_SUFFIX.get(kind)
    return f"{pinyin_name(name)} {suffix}" if suffix else pinyin_name(name)


def profile_text(region: Region) -> str:
    """A profile file's text for ``region`` (e.g. one built from the national list), to be edited by hand.

    >>> print(profile_text(get_region("随州市")).splitlines()[1])
    name = "随州市"
    """

    def quoted(items) -> str:
        return "[" + ", ".join(f'"{x}"' for x in items) + "]"

    lines = [
        f"# {region.name} ({region.province}): from China's national division list (jionlp); add what bulletins use:",
        f'name = "{region.name}"',
        f'province = "{region.province}"',
        f'code = "{region.code}"',
        f'en = "{region.en or pinyin_name(region.name)}"',
        f"aliases = {quoted(region.aliases)}",
        "# local papers and news sites whose reposts name no city",
        f"media = {quoted(region.media)}",
    ]
    for unit in region.units:
        lines += [
            "",
            "[[units]]",
            f'name = "{unit.name}"',
            f'kind = "{unit.kind}"',
            f'en = "{unit.en or unit_en(unit.name)}"',
        ]
        if unit.aliases:
            lines.append(f"aliases = {quoted(unit.aliases)}")
        if unit.short:
            lines.append(f'short = "{unit.short}"')
        if unit.code:
            lines.append(f'code = "{unit.code}"')
        if unit.note:
            lines.append(f'note = "{unit.note}"')
        if unit.eras:
            eras = [
                f'{{ name = "{era.name}"'
                + "".join(f", {k} = {v}" for k, v in (("since", era.since), ("until", era.until)) if v is not None)
                + " }"
                for era in unit.eras
            ]
            lines.append(f"eras = [{', '.join(eras)}]")
    return "\n".join(lines) + "\n"


def city_named(name: str | None, strict: bool = False) -> Region | None:
    """The city ``--region NAME`` stands for: the city itself, or the city one of whose units it names
    (六安 → 六安市, 公安县 → 荆州市); None for no name (the bulletins' own city decides) or, unless
    ``strict``, a name no region knows (``strict``: the one-line error listing the cities).

    >>> city_named("公安县").name, city_named(None)
    ('荆州市', None)
    """
    if not name:
        return None
    return infer_region([name]) or (get_region(name) if strict else None)


def unit_city(name: str | None) -> Region | None:
    """The one city that has a county-level unit called ``name`` (西夏区 → 银川市); None for a city's own
    name, a name no city has, or a name several cities share (鼓楼区).

    >>> unit_city("西夏区").name, unit_city("荆州市")
    ('银川市', None)
    """
    if not name or find_region(name) is not None:
        return None
    cities = [city for city, entry in divisions().items() if any(unit[0] == name for unit in entry["units"])]
    return find_region(cities[0]) if len(cities) == 1 else None


def infer_region(names) -> Region | None:
    """The region a set of region names belongs to: the city one of them names, else the profile whose
    units cover most of them (公安县, 江陵县 → 荆州市); None when nothing matches.

    >>> infer_region(["公安县", "江陵县"]).name, infer_region(["六安市", "霍山县"]).name
    ('荆州市', '六安市')
    """
    names = [str(n).strip() for n in names if isinstance(n, str) and n.strip()]
    for name in names:
        region = find_region(name)
        if region is not None:
            return region
    best, covered = None, 0
    for path in set(_profile_paths().values()):
        region = load_profile(path)
        count = sum(1 for n in set(names) if region.unit(n) is not None)
        if count > covered:
            best, covered = region, count
    return best
