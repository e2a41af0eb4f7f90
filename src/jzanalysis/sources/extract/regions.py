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
from dataclasses import dataclass, field

from ...regions import Region, all_city_names, all_media_names, divisions, find_region
from .lexicon import load_lexicon, one_of_words
from .matcher import Mention, RegionMatcher
from .names import ZONE_SUFFIX_RE, is_subject_mention, national_unit_index, scan
from .subject import Subject, decide_subject

_SELF = load_lexicon().self_references
_UNIT_SELF_RE = re.compile(one_of_words([*_SELF["county"], *_SELF["district"]]))  # 全区, 该县, …

__all__ = ["CityDetection", "Mention", "RegionMatcher", "Subject", "decide_subject", "detect_city"]


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
def _city_names() -> frozenset[str]:
    return frozenset(n for n in all_city_names() if len(n) >= 2 and not n.isascii())


@functools.cache
def _unit_names() -> frozenset[str]:
    # two-character names only for counties (滑县, 随县): 城区, 郊区, 矿区 are also ordinary words
    return frozenset(n for n in national_unit_index() if len(n) >= 3 or (len(n) == 2 and n.endswith("县")))


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
    for start, end in scan(sample, _city_names(), 2):
        if not is_subject_mention(sample, start, end):
            continue
        name = sample[start:end]
        city = names[name]
        weight = 3.0 if name == city else 1.0
        if start < head_end:
            weight *= 2
        scores[city] = scores.get(city, 0.0) + weight
        evidence.setdefault(city, []).append(name)
    media = all_media_names()
    for start, end in scan(sample, frozenset(media), 2):
        city = media[sample[start:end]]
        scores[city] = scores.get(city, 0.0) + 3.0
        evidence.setdefault(city, []).append(sample[start:end])
    seen_units: set[str] = set()
    for start, end in scan(sample, _unit_names(), 2):
        name = sample[start:end]
        if name in seen_units or not is_subject_mention(sample, start, end):
            continue
        seen_units.add(name)
        owners = national_unit_index()[name]
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
    if not _UNIT_SELF_RE.search(text):
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
            if len(short) >= 2 and name.startswith(short) and not ZONE_SUFFIX_RE.search(name):
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
