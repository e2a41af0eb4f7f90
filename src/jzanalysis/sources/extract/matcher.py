"""Finding the city and its county-level units in a phrase, by every name its profile gives them; a county
the profile lacks by the shape of its name at the start of a list item."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...regions import Region
from . import budget
from .lexicon import load_lexicon
from .names import (
    GENERIC,
    SUFFIX_END_RE,
    UNKNOWN_UNIT_RE,
    ZONE_SUFFIX_RE,
    is_national_name,
    is_subject_mention,
    one_of,
    prefecture_names,
)

_LIST_WORDS_RE = re.compile(r"^[\s、,，:：;；(（)）]*" + one_of("list_words") + r"?[\s、,，:：]*")


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


class RegionMatcher:
    """Finds the city and its units in phrases, by every name the profile gives them."""

    def __init__(self, region: Region | None, city_name: str | None = None):
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
                if is_city and not is_subject_mention(phrase, match.start(), match.end()):
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
                if name in prefecture_names():  # another city named, when the caller gave this one: the city
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
        """The longest county-like name at the start of ``rest`` that is a name (see :meth:`is_name`)."""
        ends = [m.end() for m in SUFFIX_END_RE.finditer(rest, 0, 14) if m.start() >= 1]
        for end in sorted(set(ends), reverse=True):
            name = rest[:end]
            if (
                re.fullmatch(r"[\u4e00-\u9fff—\-]+", name)
                and UNKNOWN_UNIT_RE.fullmatch(name)
                and self.is_name(name)
                and not self._word_across(rest, end)
            ):
                return name
        return None

    def _word_across(self, text: str, end: int) -> bool:
        """True when a word of the lexicon runs across position ``end`` of ``text`` ("到位市外资金")."""
        return any(m.start() < end < m.end() for matcher in self._lexical for m in matcher.finditer(text[: end + 8]))

    def is_name(self, name: str) -> bool:
        if not ZONE_SUFFIX_RE.search(name) and not is_national_name(name):
            return False
        return (
            not GENERIC.search(name)
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
