"""The unit a bulletin is about: the whole city, or one county, district, county-level city or zone of it,
from the words it uses for itself (全区/该县/我市) and the units its headline, opening and source line name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...regions import Region, Unit, unit_kind, zone_forms
from .lexicon import load_lexicon, one_of_words
from .matcher import RegionMatcher

# 全县/该区/我市 …: the words a bulletin uses for its own place, by the kind of place (县, 区 or a zone, 市), from
# the lexicon's [self_references]
_SELF = load_lexicon().self_references
_OWN_REFS = {"县": re.compile(one_of_words(_SELF["county"])), "区": re.compile(one_of_words(_SELF["district"]))}
_CITY_REFS_RE = re.compile(
    rf"(?<![居占列在])(?:{one_of_words(_SELF['city'])})(?!各|的|领先|第|前列|首位|排名|之首)"
)  # "占全市的9.9%" does not make it the city's
_SOURCE_LINE_RE = re.compile(r"(?:来源|稿源|供稿|作者单位)\s*[:：]\s*([^\n|｜]{1,40})")
_ZONE_TAIL = (
    r"[\u4e00-\u9fff]{0,4}?(?:经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|开发区|经开区|高新区|新区|"
    r"示范区|产业园区|工业园区)"
)


@dataclass
class Subject:
    """The unit a bulletin is about (None: the whole city), the region that holds it, and why."""

    unit: str | None
    region: Region
    evidence: list[str] = field(default_factory=list)
    confidence: float = 1.0


def _ref_kind(name: str) -> str:
    """The words a place uses for itself: 县 (全县) for a county, 市 (全市) for a county-level city, else 区."""
    if name.endswith(("县", "旗")):
        return "县"
    return "市" if name.endswith("市") else "区"


_BARE_ZONE_RE = re.compile(
    r"(?:经济技术|经济|高新技术产业|高新)?(?:开发区|经开区|高新区|新区|园区)"
)  # an alias, not a name


def _unit_counts(text: str, region: Region) -> dict[str, int]:
    """How often each unit of ``region`` is named in ``text``, by its names or its short form (宿豫, 无为) not
    followed by a kind (宿豫区 is counted once)."""
    counts: dict[str, int] = {}
    for unit in region.units:
        n = sum(text.count(name) for name in unit.names if len(name) >= 2 and not _BARE_ZONE_RE.fullmatch(name))
        if len(unit.short) >= 2 and unit.name.startswith(unit.short):  # not 经开区 for 淮安经济技术开发区
            n += len(re.findall(re.escape(unit.short) + r"(?![县市区旗])", text))
        if n:
            counts[unit.name] = n
    return counts


def _zones(text: str, region: Region) -> list[str]:
    """Development zones named in ``text`` after the city or one of its units (济宁经开区, 东海经济开发区)."""
    stems = {n for n in region.city_names if len(n) >= 2 and not n.isascii()}
    for unit in region.units:
        stems.update(n[:-1] for n in (unit.name,) if len(n) >= 3)
        if len(unit.short) >= 2:
            stems.add(unit.short)
    stems = {s for s in stems if s}
    if not stems:
        return []
    pattern = "(?:" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)) + ")" + _ZONE_TAIL
    found = []
    for match in re.finditer(pattern, text):
        name = match.group(0)
        if name.startswith(region.name) and len(name) > len(region.name) + 2:  # 连云港市东海经济开发区: 东海经济开发区
            inner = list(re.finditer(pattern, name[len(region.name) :]))
            if inner:
                name = inner[0].group(0)
        if region.resolve(name) is None and name not in found:
            found.append(name)
    return found


def _with_unit(region: Region, name: str, text: str) -> tuple[Region, str]:
    """``region`` holding the bulletin's own unit ``name`` when it lacks it: a zone (with its other forms), or a
    county renamed a county-level city after the national list was made (the text says 全市 and names it by
    its short form: 无为 of 芜湖市, listed as 无为县)."""
    unit = region.unit(name)
    if unit is None:
        forms = zone_forms(name)
        canonical = next((f for f in (name, *forms) if f in text), name)
        aliases = tuple(f for f in (name, *forms) if f != canonical)
        zone = Unit(canonical, unit_kind(canonical), aliases=aliases)
        return replace(region, units=(*region.units, zone)), canonical
    return region, unit.name


def decide_subject(text: str, head_end: int, region: Region) -> Subject:
    """The unit a bulletin is about, from every clue: the words it uses for itself (全区/该县/我市), the units its
    headline, first lines and source line name, and how often it names each.

    A bulletin whose own words are 全县/全区 (more than 全市) is about the county, district or zone its opening
    or source line names (the one of that kind when several are named), else the unit of that kind it names
    most. A bulletin that says 我市 is about a county-level city when its source line names that city (a
    县级市's media centre), or when it names that city (or its short form) at least three times, more than the
    prefecture and twice as often as any other unit.
    """
    clues = _Clues(text, head_end, region)
    own_total = clues.own["县"] + clues.own["区"]
    if own_total and clues.city_refs < own_total:
        return _own_unit_subject(clues, own_total)
    if clues.city_refs:
        found = _county_city_subject(clues)
        if found is not None:
            return found
    return Subject(None, region, [], 1.0)


class _Clues:
    """What :func:`decide_subject` reads from a bulletin: its own words, its opening, source line and title,
    and the units it names."""

    def __init__(self, text: str, head_end: int, region: Region) -> None:
        self.text, self.head_end, self.region = text, head_end, region
        self.window = text[:4000]
        self.own = {kind: len(pattern.findall(self.window)) for kind, pattern in _OWN_REFS.items()}
        self.city_refs = len(_CITY_REFS_RE.findall(self.window))
        self.opening = text[: head_end + 200]
        self.source = " ".join(_SOURCE_LINE_RE.findall(text))
        self.matcher = RegionMatcher(region)
        self.counts = _unit_counts(self.window, region)

    def named(self, part: str) -> list[str]:
        """The region's units ``part`` names, each once, in order."""
        names = [m.name for m in self.matcher.mentions(part, anywhere=True) if m.known and not m.city]
        return list(dict.fromkeys(names))


def _own_unit_subject(clues: _Clues, own_total: int) -> Subject:
    """The bulletin says 全县/全区 more than 全市: the county, district or zone it names (see decide_subject)."""
    text, region, own, window = clues.text, clues.region, clues.own, clues.window
    kind = "县" if own["县"] >= own["区"] else "区"
    words = f"its own words {'、'.join(sorted(set(_OWN_REFS[kind].findall(window))))} ({own_total}) outnumber 全市/我市 ({clues.city_refs})"
    at_start = clues.named(clues.opening)
    zones = [z for z in _zones(clues.opening, region) if kind == "区"]
    if len(at_start) == 1 and not zones:
        return Subject(at_start[0], region, [words, f"the opening names {at_start[0]}"], 0.9)
    if not at_start and len(zones) >= 1 and own["区"]:
        extended, name = _with_unit(region, zones[0], text)
        return Subject(name, extended, [words, f"the opening names the zone {zones[0]}"], 0.8)
    candidates = [n for n in dict.fromkeys([*at_start, *clues.named(clues.source)]) if _ref_kind(n) == kind]
    if len(candidates) == 1:
        return Subject(candidates[0], region, [words, f"the opening or source line names {candidates[0]}"], 0.8)
    ranked = sorted(
        ((n, c) for n, c in clues.counts.items() if _ref_kind(n) == kind and (not candidates or n in candidates)),
        key=lambda nc: -nc[1],
    )
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        name = ranked[0][0]
        return Subject(name, region, [words, f"the text names {name} {ranked[0][1]} times"], 0.6)
    zone = _headline_zone(text[: clues.head_end], clues.matcher) if kind == "区" else None
    if zone is not None:  # a zone named after no place: "空港新区上半年招商引资综述"
        extended, name = _with_unit(region, zone, text)
        return Subject(name, extended, [words, f"the headline names the zone {zone}"], 0.6)
    return Subject(None, region, [words, "but no one unit of that kind is named: the whole city"], 0.3)


def _county_city_subject(clues: _Clues) -> Subject | None:
    """The bulletin says 我市/全市: the county-level city its source line or headline names, or that it names
    most (see decide_subject); None: the prefecture itself."""
    text, region, window, city_refs = clues.text, clues.region, clues.window, clues.city_refs
    publisher = [n for n in clues.named(clues.source) if _ref_kind(n) == "市" or _renamed_city(n, window, region)]
    city_count = sum(window.count(n) for n in region.city_names if len(n) >= 2 and not n.isascii())
    ranked = sorted(clues.counts.items(), key=lambda nc: -nc[1])
    if len(publisher) == 1:
        name = publisher[0]
        extended, name = _as_city(region, name, window)
        return Subject(
            name, extended, [f"the source line names {publisher[0]}", f"我市/全市 ({city_refs}) is that city"], 0.8
        )
    title = _title(text)
    in_title = clues.named(title)
    in_headline = [n for n in in_title if _ref_kind(n) == "市" and title.startswith(n)]
    city_in_headline = any(n in title for n in region.city_names if len(n) >= 2 and not n.isascii())
    if len(in_title) == 1 and len(in_headline) == 1 and not city_in_headline:
        name = in_headline[0]
        evidence = [f"the headline names {name}, not {region.name}", f"我市/全市 ({city_refs}) is {name}"]
        return Subject(name, region, evidence, 0.8)
    if ranked:
        name, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if (
            n >= 3
            and n > city_count
            and n >= 2 * second
            and (_ref_kind(name) == "市" or _renamed_city(name, window, region))
        ):
            extended, shown = _as_city(region, name, window)
            evidence = [
                f"the text names {shown} {n} times, {region.name} {city_count}",
                f"我市/全市 ({city_refs}) is {shown}",
            ]
            return Subject(shown, extended, evidence, 0.6)
    return None


_HEADLINE_ZONE_RE = re.compile(
    r"(?:^|(?<=[\s\n：:，,。]))[\u4e00-\u9fff]{2,8}?(?:经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区|新区|"
    r"示范区|试验区|实验区|合作区|产业园区)"
)


def _headline_zone(headline: str, matcher: RegionMatcher) -> str | None:
    """The one zone a headline names at a line's or clause's start, when it is a name (no generic or lexicon
    word in it)."""
    names = {m.group(0) for m in _HEADLINE_ZONE_RE.finditer(headline) if matcher.is_name(m.group(0))}
    return names.pop() if len(names) == 1 else None


def _title(text: str) -> str:
    """The bulletin's title: its first short line that is not a date, source or site line ("" when none)."""
    for line in text[:600].split("\n"):
        line = line.strip()
        if not line or re.search(r"发布|来源|日期|时间|[:：]", line):
            continue
        return line if len(line) <= 40 else ""
    return ""


def _renamed_city(name: str, text: str, region: Region) -> bool:
    """A county (…县) the text never calls by its 县 name: a county-level city since (无为县 → 无为市)."""
    unit = region.unit(name)
    return name.endswith("县") and name not in text and unit is not None and len(unit.short) >= 2


def _as_city(region: Region, name: str, text: str) -> tuple[Region, str]:
    """``name`` as a county-level city: itself, or a county renamed 市 (its short form + 市, the old name an era)."""
    unit = region.unit(name)
    if unit is None or name.endswith("市"):
        return region, name
    city_name = unit.short + "市"
    renamed = replace(unit, name=city_name, kind="市", aliases=(*unit.aliases, unit.name))
    units = tuple(renamed if u is unit else u for u in region.units)
    return replace(region, units=units), city_name
