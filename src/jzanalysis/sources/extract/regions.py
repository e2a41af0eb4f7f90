"""Which city a bulletin is about, and which county-level unit each clause speaks of.

The city is found from the text: the cities named in the headline and first lines, in the sentences whose
subject is 全市/我市, and the county-level units named anywhere (霍山县 belongs to 六安市) — or it is given
(``--region``). A bulletin of one district or zone (its figures say 全区/我区 and its headline names the unit)
files its figures under that unit. Names of counties the region's profile lacks are kept under their own
name and reported, never dropped, never guessed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from ...regions import Region, Unit, all_city_names, all_media_names, divisions, find_region, unit_kind, zone_forms
from . import budget

# A mention that is a destination, an origin or a company's home, not the bulletin's subject:
# "赴广州、深圳等地", "北京企业在津投资", "上海咸宁商会".
_NOT_SUBJECT_BEFORE = re.compile(r"(?:赴|到|去|来自|与|同|和|在|往|对接|沪苏浙|长三角)$")
_NOT_SUBJECT_AFTER = re.compile(r"^(?:等地|等城市|企业|客商|商会|方面|投资者|团|考察|市场)")
_SUFFIXES = (
    r"(?:经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区|新区|管理区|产业园区|科技园区|园区|产业园|"
    r"集聚区|示范区|合作区|试验区|保税区|风景名胜区|风景区|旅游区|度假区|片区|新城|自治县|县|市|区|旗)"
)
# A county-like name at the start of a list item: "霍山县", "其中武穴市", "、荆州新区", "苏锡通科技产业园区",
# "天府新区眉山片区" (the longest such name that holds no word of the lexicon, see RegionMatcher._unknown_name).
_UNKNOWN_UNIT_RE = re.compile(rf"[\u4e00-\u9fff—\-]{{1,9}}?{_SUFFIXES}(?![\u4e00-\u9fff]{{0,2}}(?:项目|企业))")
_SUFFIX_END_RE = re.compile(_SUFFIXES)
# A name with an administrative suffix alone (县, 市, 区, 旗, 自治县) is a place only when the national list holds
# it: "完成市考核目标", "实施区", "紧盯自治区" are words before a suffix, not places. A zone's name (经开区, 新区,
# 产业园区 …) is kept though no list holds every zone.
_ZONE_SUFFIX_RE = re.compile(
    r"(?:开发区|经开区|高新区|新区|港区|经济区|工业区|功能区|集中区|管理区|园区|产业园|集聚区|示范区|合作区|试验区|保税区|名胜区|"
    r"风景区|旅游区|度假区|片区|新城|[\u4e00-\u9fff]{2}[湖山湾岛洲]区)$"
)
_LIST_WORDS_RE = re.compile(
    r"^[\s、,，:：;；(（)）]*(?:其中|分别为|分别是|依次为|包括|以及|和|及|另外|此外)?[\s、,，:：]*"
)
# a forum's or app's line on where the poster is ("IP属地:湖北省武汉市", "发表于 湖北省武汉市"): not the subject
_POSTER_PLACE_RE = re.compile(r"(?:IP属地|发表于|所在地)[:：\s]*(?:[\u4e00-\u9fff]{2,3}省)?$")
# other places named beside it in a list closed by 等 ("省内温州、义乌等发达地市也纷纷外出招商")
_OTHERS_AFTER_RE = re.compile(r"(?:、[\u4e00-\u9fff]{2,4}){1,4}等")
_ZONE_AFTER_RE = re.compile(r"经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区")
_NOT_ZONE_SUBJECT_BEFORE = re.compile(r"(?:赴|到|去|来自|对接)$")
_GENERIC = re.compile(
    r"^(?:全|我|本|各|该|市|县|区|其|每|分|外|省|从|在|由|对|向|所属|相关|有关|周边|部分|个别|其他|其余|中心|主城)"
    r"|^(?:城区|郊区|新区|开发区|高新区|经开区|园区|县城)$"
    r"|各|县市|市区|县区|全市|我市|全县|全区|年|月|季度|以上|项目|亿元|万元|招商|引进|签约|开工|投资|资金|管理局|委员会|政府|党委"
)


@dataclass(frozen=True)
class Mention:
    """A region named in a phrase: ``name`` canonical (a unit's, or the city's), ``known`` False for a
    county-like name the profile lacks, ``city`` True for the city itself."""

    name: str
    start: int
    end: int
    known: bool = True
    city: bool = False
    note: str | None = None  # 含华中农高区, 飞地园区: what brackets after the name say


@dataclass
class CityDetection:
    """The city a bulletin is about (``name`` None when the text names none) and how it was found."""

    name: str | None
    region: Region | None
    given: bool = False
    home_unit: str | None = None  # a bulletin of one district or zone
    subject_evidence: list[str] = field(default_factory=list)  # why the bulletin is about home_unit (or the city)
    subject_confidence: float = 1.0
    confidence: float = 1.0  # how clearly the text names this city over any other
    evidence: list[str] = field(default_factory=list)


@functools.cache
def _national_unit_index() -> dict[str, tuple[str, ...]]:
    """County-level unit name (and long short forms) → the cities it belongs to (some names repeat)."""
    index: dict[str, set[str]] = {}
    for city, entry in divisions().items():
        for name, _short, _code, former in entry["units"]:
            for alias in (name, *(f.split("<")[0] for f in former.split(";") if f)):
                index.setdefault(alias, set()).add(city)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _scan(text: str, names: set[str], min_length: int) -> list[tuple[int, int]]:
    """(start, end) of each longest name of ``names`` in ``text``, left to right, not overlapping.

    A dictionary look-up per position and length: linear in the text (a regex alternation of the 3,000
    county names would try each name at each position)."""
    if not names:
        return []
    longest = max(map(len, names))
    found, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), min_length - 1, -1):
            if text[i : i + length] in names:
                found.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return found


def is_national_name(name: str) -> bool:
    """True for a name the national division list holds: a prefecture-level region (or its short form) or a
    county-level unit (or its former name)."""
    return (
        name in _national_unit_index()
        or name in _prefecture_names()
        or name in all_city_names()
        or name[:-1] in _national_short_names()  # 道真县 (道真仡佬族苗族自治县), 无为市 (无为县 until 2019)
    )


@functools.cache
def _national_short_names() -> frozenset[str]:
    """Short forms (two characters or more) of the national list's county-level units."""
    return frozenset(short for entry in divisions().values() for _n, short, *_ in entry["units"] if len(short) >= 2)


@functools.cache
def _prefecture_names() -> frozenset[str]:
    """Canonical names of China's prefecture-level regions (not their short forms)."""
    return frozenset(divisions())


@functools.cache
def _city_names() -> frozenset[str]:
    return frozenset(n for n in all_city_names() if len(n) >= 2 and not n.isascii())


@functools.cache
def _unit_names() -> frozenset[str]:
    # two-character names only for counties (滑县, 随县): 城区, 郊区, 矿区 are also ordinary words
    return frozenset(n for n in _national_unit_index() if len(n) >= 3 or (len(n) == 2 and n.endswith("县")))


def detect_city(text: str, given: Region | None = None) -> CityDetection:
    """The city ``text`` is about, scored from the names it uses (see the module docstring).

    A full city name counts 3, a short one 1; a county-level unit 2 (split among the cities that have a
    unit of that name); mentions in the first lines count double; destinations and origins (赴广州, 北京企业)
    count nothing; a local paper or news site named in a profile (十堰日报, 北方网) counts 3.

    >>> detect_city("1-6月，全市新签约亿元以上项目174个，其中霍山县34个、金寨县32个。").name
    '六安市'
    >>> detect_city("记者从市招商服务中心获悉,我市上半年新签约项目293个。").name is None
    True
    """
    sample = text[:8000] + "\n" + text[-2000:] if len(text) > 10_000 else text
    head_end = _head_end(sample)
    names = all_city_names()
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for start, end in _scan(sample, _city_names(), 2):
        if not _is_subject_mention(sample, start, end):
            continue
        name = sample[start:end]
        city = names[name]
        weight = 3.0 if name == city else 1.0
        if start < head_end:
            weight *= 2
        scores[city] = scores.get(city, 0.0) + weight
        evidence.setdefault(city, []).append(name)
    media = all_media_names()
    for start, end in _scan(sample, frozenset(media), 2):
        city = media[sample[start:end]]
        scores[city] = scores.get(city, 0.0) + 3.0
        evidence.setdefault(city, []).append(sample[start:end])
    seen_units: set[str] = set()
    for start, end in _scan(sample, _unit_names(), 2):
        name = sample[start:end]
        if name in seen_units or not _is_subject_mention(sample, start, end):
            continue
        seen_units.add(name)
        owners = _national_unit_index()[name]
        for city in owners:
            scores[city] = scores.get(city, 0.0) + 2.0 / len(owners)
            evidence.setdefault(city, []).append(name)
    if not scores:
        _short_form_clues(sample, scores, evidence)
    home_unit = None
    if given is not None:
        detection = CityDetection(given.name, given, given=True, evidence=evidence.get(given.name, []))
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][0] != given.name and ranked[0][1] >= 3 and scores.get(given.name, 0) < ranked[0][1] / 2:
            detection.evidence = [f"the text names {ranked[0][0]} ({'、'.join(dict.fromkeys(evidence[ranked[0][0]]))})"]
        region = given
    else:
        if not scores:
            return CityDetection(None, None)
        best, score = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
        if score < 1:
            return CityDetection(None, None)
        region = find_region(best)
        second = max((v for k, v in scores.items() if k != best), default=0.0)
        # two full names (or one in the headline) and no rival: 1; one short name in the headline and no rival: 0.73
        confidence = (0.6 + 0.4 * min(1.0, score / 6)) * score / (score + second)
        detection = CityDetection(
            best, region, evidence=list(dict.fromkeys(evidence[best])), confidence=round(confidence, 2)
        )
    if region is not None:
        subject = decide_subject(sample, head_end, region)
        home_unit = subject.unit
        detection.region = subject.region
        detection.subject_evidence = subject.evidence
        detection.subject_confidence = subject.confidence
    detection.home_unit = home_unit
    return detection


def _short_form_clues(text: str, scores: dict[str, float], evidence: dict[str, list[str]]) -> None:
    """When no city or unit is named in full: a unit named by its short form at least three times ("到宿豫观摩",
    "宿豫的招商引资成果") in a text that speaks of 全区/全县 as its own place gives the unit's city 2."""
    if not re.search(r"全区|我区|本区|全县|我县|本县|该区|该县", text):
        return
    for short, owner in _unique_short_names().items():
        if short in text and len(re.findall(re.escape(short) + r"(?![县市区旗])", text)) >= 3:
            scores[owner] = scores.get(owner, 0.0) + 2.0
            evidence.setdefault(owner, []).append(short)


@functools.cache
def _unique_short_names() -> dict[str, str]:
    """Short forms (two characters or more) of county-level units that only one city has and that are not a
    city's name → that city."""
    owners: dict[str, set[str]] = {}
    for city, entry in divisions().items():
        for name, short, *_ in entry["units"]:
            if len(short) >= 2 and name.startswith(short) and not _ZONE_SUFFIX_RE.search(name):
                owners.setdefault(short, set()).add(city)
    cities = all_city_names()
    return {s: next(iter(o)) for s, o in owners.items() if len(o) == 1 and s not in cities}


def _head_end(text: str) -> int:
    """End of the first two non-empty lines (the headline), at most 200 characters in."""
    count, position = 0, 0
    for line in text.split("\n"):
        position += len(line) + 1
        if line.strip():
            count += 1
            if count == 2:
                break
    return min(position, 200)


def _is_subject_mention(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    after = text[end : end + 4]
    if _POSTER_PLACE_RE.search(text, max(0, start - 14), start) or _OTHERS_AFTER_RE.match(text, end, end + 24):
        return False
    if _ZONE_AFTER_RE.match(text, end, end + 10) and not _NOT_ZONE_SUBJECT_BEFORE.search(before):
        return True  # "各县(市、区)和丽水经济开发区": the city's own zone, in a list
    return not (_NOT_SUBJECT_BEFORE.search(before) or _NOT_SUBJECT_AFTER.match(after))


# 全县/该区/我市 …: the words a bulletin uses for its own place, by the kind of place (县, 区 or a zone, 市)
_OWN_REFS = {
    "县": re.compile(r"全县|我县|本县|该县"),
    "区": re.compile(r"全区|我区|本区|该区|全开发区|全园区"),
}
_CITY_REFS_RE = re.compile(
    r"(?<![居占列在])(?:全市|我市|本市|该市)(?!各|的|领先|第|前列|首位|排名|之首)"
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
    window = text[:4000]
    own = {kind: len(pattern.findall(window)) for kind, pattern in _OWN_REFS.items()}
    city_refs = len(_CITY_REFS_RE.findall(window))
    opening = text[: head_end + 200]
    source = " ".join(_SOURCE_LINE_RE.findall(text))
    matcher = RegionMatcher(region)

    def named(part: str) -> list[str]:
        names = [m.name for m in matcher.mentions(part, anywhere=True) if m.known and not m.city]
        return list(dict.fromkeys(names))

    counts = _unit_counts(window, region)
    own_total = own["县"] + own["区"]
    if own_total and city_refs < own_total:
        kind = "县" if own["县"] >= own["区"] else "区"
        words = f"its own words {'、'.join(sorted(set(_OWN_REFS[kind].findall(window))))} ({own_total}) outnumber 全市/我市 ({city_refs})"
        at_start = named(opening)
        zones = [z for z in _zones(opening, region) if kind == "区"]
        if len(at_start) == 1 and not zones:
            return Subject(at_start[0], region, [words, f"the opening names {at_start[0]}"], 0.9)
        if not at_start and len(zones) >= 1 and own["区"]:
            extended, name = _with_unit(region, zones[0], text)
            return Subject(name, extended, [words, f"the opening names the zone {zones[0]}"], 0.8)
        candidates = [n for n in dict.fromkeys([*at_start, *named(source)]) if _ref_kind(n) == kind]
        if len(candidates) == 1:
            return Subject(candidates[0], region, [words, f"the opening or source line names {candidates[0]}"], 0.8)
        ranked = sorted(
            ((n, c) for n, c in counts.items() if _ref_kind(n) == kind and (not candidates or n in candidates)),
            key=lambda nc: -nc[1],
        )
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            name = ranked[0][0]
            return Subject(name, region, [words, f"the text names {name} {ranked[0][1]} times"], 0.6)
        zone = _headline_zone(text[:head_end], matcher) if kind == "区" else None
        if zone is not None:  # a zone named after no place: "空港新区上半年招商引资综述"
            extended, name = _with_unit(region, zone, text)
            return Subject(name, extended, [words, f"the headline names the zone {zone}"], 0.6)
        return Subject(None, region, [words, "but no one unit of that kind is named: the whole city"], 0.3)
    if city_refs:
        publisher = [n for n in named(source) if _ref_kind(n) == "市" or _renamed_city(n, window, region)]
        city_count = sum(window.count(n) for n in region.city_names if len(n) >= 2 and not n.isascii())
        ranked = sorted(counts.items(), key=lambda nc: -nc[1])
        if len(publisher) == 1:
            name = publisher[0]
            extended, name = _as_city(region, name, window)
            return Subject(
                name, extended, [f"the source line names {publisher[0]}", f"我市/全市 ({city_refs}) is that city"], 0.8
            )
        title = _title(text)
        in_title = named(title)
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
    return Subject(None, region, [], 1.0)


_HEADLINE_ZONE_RE = re.compile(
    r"(?:^|(?<=[\s\n：:，,。]))[\u4e00-\u9fff]{2,8}?(?:经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区|新区|"
    r"示范区|试验区|实验区|合作区|产业园区)"
)


def _headline_zone(headline: str, matcher: RegionMatcher) -> str | None:
    """The one zone a headline names at a line's or clause's start, when it is a name (no generic or lexicon
    word in it)."""
    names = {m.group(0) for m in _HEADLINE_ZONE_RE.finditer(headline) if matcher._is_name(m.group(0))}
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


class RegionMatcher:
    """Finds the city and its units in phrases, by every name the profile gives them."""

    def __init__(self, region: Region | None, city_name: str | None = None):
        from .lexicon import load_lexicon

        lexicon = load_lexicon()
        # a "name" that holds a word of the lexicon (实际到位市外资金 → "实际到位市") is not a county's name
        self._lexical = (
            lexicon.matchers["kind"],
            lexicon.matchers["stage"],
            lexicon.matchers["object"],
            lexicon.matchers["restriction"],
        )
        self._groupings = (
            set(lexicon.scopes["grouping"]) | set(lexicon.scopes["city_own"]) | set(lexicon.scopes["city"])
        )
        self.region = region
        self._cache: dict[tuple, list[Mention]] = {}
        self.city_name = region.name if region is not None else city_name
        names: dict[str, tuple[str, bool]] = {}
        if region is not None:
            for unit in region.units:
                for name in unit.names:
                    names[name] = (unit.name, False)
            for name in region.city_names:
                if not name.isascii():
                    names.setdefault(name, (region.name, True))
        elif city_name:
            names[city_name] = (city_name, True)
        self._names = names
        self._pattern = (
            re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))) if names else None
        )
        # what a list item's start is read from: a unit's short name and the next character, or a county-like
        # name of at most 14 characters and the 8 after it (see _short_unit, _unknown_name)
        shorts = [len(unit.short) for unit in region.units if unit.short] if region is not None else []
        self._window = max([32, *(n + 2 for n in shorts)])

    def mentions(self, phrase: str, anywhere: bool = False) -> list[Mention]:
        """Regions named in ``phrase``. Known names anywhere; a unit's short form (公安) or a county-like name
        the profile lacks only at the start of a list item (after 其中, 分别为:, 、)."""
        budget.check()
        key = (phrase, anywhere)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            cached = self._cache[key] = self._mentions(phrase, anywhere)
        return list(cached)

    def _mentions(self, phrase: str, anywhere: bool) -> list[Mention]:
        found = _Found()
        if self._pattern is not None:
            for match in self._pattern.finditer(phrase):
                canonical, is_city = self._names[match.group(0)]
                if is_city and not _is_subject_mention(phrase, match.start(), match.end()):
                    continue
                note = _bracket_note(
                    match.group(0), match.group(0).find("(") if "(" in match.group(0) else match.group(0).find("（")
                )
                found.add(
                    Mention(
                        canonical,
                        match.start(),
                        match.end(),
                        city=is_city,
                        note=note or _bracket_note(phrase, match.end()),
                    )
                )
        starts = set(_item_starts(phrase)) if not anywhere else set()
        starts |= {m.start for m in found.all() if m.city}  # "岳阳经开区", "荆州新区": a zone named after the city
        if not anywhere:
            starts |= {x.end() for x in self._lexical[2].finditer(phrase)}  # "亿元以上项目城陵矶新港区…"
        window = self._window
        for count, item_start in enumerate(sorted(starts)):
            if count % 1024 == 1023:
                budget.check()
            rest = phrase[item_start : item_start + window]  # a name is short: no copy of the whole rest
            here = found.overlapping(item_start, item_start + 1)
            if here and not (here[0].city and here[0].start == item_start):
                continue
            if here:  # "荆州新区": a county-like name that starts with the city's short name
                longer = self._unknown_name(rest)
                if not longer or len(longer) <= here[0].end - here[0].start:
                    continue
                found.remove(here[0])
            unit = self._short_unit(rest)
            if unit is not None:
                found.add(
                    Mention(unit[0], item_start, item_start + unit[1], note=_bracket_note(phrase, item_start + unit[1]))
                )
                continue
            name = self._unknown_name(rest)
            if name:
                inside = found.overlapping(item_start, item_start + len(name))
                if any(not m.city and (m.start == item_start or m.end - m.start >= len(name)) for m in inside):
                    continue  # a known name where the item starts, e.g. 荆州高新区 itself
                for m in inside:  # "随州高新区": not 荆州市's alias 高新区 inside another city's zone
                    found.remove(m)
                if name in _prefecture_names():  # another city named, when the caller gave this one: the city
                    found.add(Mention(self.city_name or name, item_start, item_start + len(name), city=True))
                    continue
                found.add(
                    Mention(
                        name,
                        item_start,
                        item_start + len(name),
                        known=False,
                        note=_bracket_note(phrase, item_start + len(name)),
                    )
                )
        # "天元区（株洲高新区）21个": a name in brackets right after another is its other name, not a second county
        kept: list[Mention] = []
        for mention in found.all():
            if (
                kept
                and re.fullmatch(r"[（(]", phrase[kept[-1].end : mention.start])
                and phrase[mention.end : mention.end + 1] in ")）"
            ):
                last = kept[-1]
                kept[-1] = Mention(last.name, last.start, last.end, last.known, last.city, last.note or mention.name)
                continue
            kept.append(mention)
        return kept

    def _unknown_name(self, rest: str) -> str | None:
        """The longest county-like name at the start of ``rest`` that is a name (see :meth:`_is_name`)."""
        ends = [m.end() for m in _SUFFIX_END_RE.finditer(rest, 0, 14) if m.start() >= 1]
        for end in sorted(set(ends), reverse=True):
            name = rest[:end]
            if (
                re.fullmatch(r"[\u4e00-\u9fff—\-]+", name)
                and _UNKNOWN_UNIT_RE.fullmatch(name)
                and self._is_name(name)
                and not self._word_across(rest, end)
            ):
                return name
        return None

    def _word_across(self, text: str, end: int) -> bool:
        """True when a word of the lexicon runs across position ``end`` of ``text`` ("到位市外资金")."""
        return any(m.start() < end < m.end() for matcher in self._lexical for m in matcher.finditer(text[: end + 8]))

    def _is_name(self, name: str) -> bool:
        if not _ZONE_SUFFIX_RE.search(name) and not is_national_name(name):
            return False
        return (
            not _GENERIC.search(name)
            and name != self.city_name
            and name not in self._groupings
            and not any(matcher.search(name) for matcher in self._lexical)
        )

    def _short_unit(self, rest: str) -> tuple[str, int] | None:
        if self.region is None:
            return None
        for unit in self.region.units:
            short = unit.short
            if short and rest.startswith(short) and rest[len(short) : len(short) + 1] not in ("县", "市", "区"):
                following = rest[len(short) : len(short) + 1]
                if following == "" or following in "各、,，0123456789" or following in "分":
                    return unit.name, len(short)
        return None


class _Found:
    """The mentions found in a phrase so far, indexed by start: which overlap a span is a look-up of the few
    starts a name's length allows, not a pass over every mention (a list of 80,000 names stays linear)."""

    def __init__(self) -> None:
        self._by_start: dict[int, list[tuple[int, Mention]]] = {}
        self._added = 0
        self._longest = 0

    def add(self, mention: Mention) -> None:
        self._by_start.setdefault(mention.start, []).append((self._added, mention))
        self._added += 1
        self._longest = max(self._longest, mention.end - mention.start)

    def remove(self, mention: Mention) -> None:
        entries = self._by_start[mention.start]
        entries.pop(next(i for i, (_, m) in enumerate(entries) if m is mention))

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """The mentions that overlap ``[start, end)``, in the order they were added."""
        entries = [
            entry
            for position in range(max(0, start - self._longest + 1), end)
            for entry in self._by_start.get(position, ())
            if entry[1].end > start
        ]
        return [m for _, m in sorted(entries, key=lambda e: e[0])]

    def all(self) -> list[Mention]:
        """Every mention by start (in the order added when two start together)."""
        return [m for position in sorted(self._by_start) for _, m in self._by_start[position]]


def _item_starts(phrase: str) -> list[int]:
    """Where list items start in a phrase: its start (after 其中/分别为: …) and after each 、."""
    starts = []
    lead = _LIST_WORDS_RE.match(phrase)
    starts.append(lead.end() if lead else 0)
    for match in re.finditer("[、,，:：]", phrase):
        starts.append(match.end())
    return sorted({s for s in starts if s < len(phrase)})


def _bracket_note(phrase: str, end: int) -> str | None:
    if end < 0:
        return None
    match = re.match(r"[(（]([^()（）]{1,20})[)）]", phrase[end : end + 24])
    return match.group(1) if match else None
