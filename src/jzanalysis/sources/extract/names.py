"""The national division list's names and the shape of a place's name, for finding places in a bulletin.

A county-level unit of any city (霍山县 belongs to 六安市), a prefecture-level region, a short form; a name
that is a place and not a word before a suffix ("完成市考核目标"); a mention that is a bulletin's subject and
not a destination, an origin or a company's home ("赴广州", "北京企业").
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from ...regions import all_city_names, divisions

#: The words around a place's name (``places.toml``): each list a regular-expression alternation.
PLACE_WORDS: dict[str, list[str]] = tomllib.loads(Path(__file__).with_name("places.toml").read_text(encoding="utf-8"))


def one_of(key: str) -> str:
    """The words of ``PLACE_WORDS[key]`` as one group of alternatives, ``(?:赴|到|…)``."""
    return "(?:" + "|".join(PLACE_WORDS[key]) + ")"


_NOT_SUBJECT_BEFORE = re.compile(one_of("not_subject_before") + "$")
_NOT_SUBJECT_AFTER = re.compile("^" + one_of("not_subject_after"))
_SUFFIXES = one_of("unit_suffixes")
# A county-like name at the start of a list item: "霍山县", "其中武穴市", "、荆州新区", "苏锡通科技产业园区",
# "天府新区眉山片区" (the longest such name that holds no word of the lexicon, see RegionMatcher._unknown_name).
UNKNOWN_UNIT_RE = re.compile(rf"[\u4e00-\u9fff—\-]{{1,9}}?{_SUFFIXES}(?![\u4e00-\u9fff]{{0,2}}(?:项目|企业))")
SUFFIX_END_RE = re.compile(_SUFFIXES)
# A name with an administrative suffix alone (县, 市, 区, 旗, 自治县) is a place only when the national list holds
# it: "完成市考核目标", "实施区", "紧盯自治区" are words before a suffix, not places. A zone's name (经开区, 新区,
# 产业园区 …) is kept though no list holds every zone.
ZONE_SUFFIX_RE = re.compile(one_of("zone_suffixes") + "$")
_POSTER_PLACE_RE = re.compile(one_of("poster_place") + r"[:：\s]*(?:[\u4e00-\u9fff]{2,3}省)?$")
# other places named beside it in a list closed by 等 ("省内温州、义乌等发达地市也纷纷外出招商")
_OTHERS_AFTER_RE = re.compile(r"(?:、[\u4e00-\u9fff]{2,4}){1,4}等")
_ZONE_AFTER_RE = re.compile(one_of("zone_after"))
_OWN_CONGRESS_AFTER_RE = re.compile(one_of("own_congress_after"))
_NOT_ZONE_SUBJECT_BEFORE = re.compile(one_of("not_zone_subject_before") + "$")
GENERIC = re.compile(f"^{one_of('generic_start')}|^{one_of('generic_whole')}$|{one_of('generic_inside')}")


@functools.cache
def national_unit_index() -> dict[str, tuple[str, ...]]:
    """County-level unit name (and long short forms) → the cities it belongs to (some names repeat)."""
    index: dict[str, set[str]] = {}
    for city, entry in divisions().items():
        for name, _short, _code, former in entry["units"]:
            for alias in (name, *(f.split("<")[0] for f in former.split(";") if f)):
                index.setdefault(alias, set()).add(city)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def scan(text: str, names: set[str], min_length: int) -> list[tuple[int, int]]:
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
        name in national_unit_index()
        or name in prefecture_names()
        or name in all_city_names()
        or name[:-1] in _national_short_names()  # 道真县 (道真仡佬族苗族自治县), 无为市 (无为县 until 2019)
    )


@functools.cache
def _national_short_names() -> frozenset[str]:
    """Short forms (two characters or more) of the national list's county-level units."""
    return frozenset(short for entry in divisions().values() for _n, short, *_ in entry["units"] if len(short) >= 2)


@functools.cache
def prefecture_names() -> frozenset[str]:
    """Canonical names of China's prefecture-level regions (not their short forms)."""
    return frozenset(divisions())


def is_subject_mention(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    after = text[end : end + 4]
    if _POSTER_PLACE_RE.search(text, max(0, start - 14), start) or _OTHERS_AFTER_RE.match(text, end, end + 24):
        return False
    if _ZONE_AFTER_RE.match(text, end, end + 10) and not _NOT_ZONE_SUBJECT_BEFORE.search(before):
        return True  # "各县(市、区)和丽水经济开发区": the city's own zone, in a list
    if _OWN_CONGRESS_AFTER_RE.match(text, end, end + 12):
        return True  # a work report's heading: the city's own congress
    return not (_NOT_SUBJECT_BEFORE.search(before) or _NOT_SUBJECT_AFTER.match(after))
