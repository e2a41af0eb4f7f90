"""Step: the place of each figure — the county-level units its phrase names (each, 分别 lists, names in the
clause before), the city (全市, the city's name), the bulletin's own unit (全区/全县; 我市 of a county-level
city's own bulletin), else the place of the figure it continues."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...notes import Note
from .items import Frame, Item

if TYPE_CHECKING:
    from .reader import Reader


def place_item(ctx: Reader, item: Item, chain: Item | None, inherited: Frame | None) -> None:
    own = item.own
    units = [m for m in item.mentions if not m.city]
    if own.scope == "grouping" and not units:
        item.excluded = Note("unmapped.county_group")
    elif own.scope == "city_own" and not units:
        item.excluded = Note("unmapped.city_level")
    if units:
        item.regions = [m.name for m in units]
        item.unknown = [m.name for m in units if not m.known]
        item.notes = {m.name: m.note for m in units if m.note}
        item.quote_start = item.start + units[0].start
        if len(units) > 1:
            after_names = item.pre[units[-1].end :]
            if "各" in after_names:
                pass  # "公安县、监利县各23个", "监利县、公安县各引进26个": each
            elif "分别" in after_names:
                item.respective = []  # "枣阳市、谷城县分别引进亿元以上项目32个、29个"
            else:
                item.excluded = Note("unmapped.several_counties")
    elif _unplaced(ctx, item, chain):
        pass
    elif re.search(r"分别(?:为|是)?[:：]?\s*$", item.pre) and _names_before(ctx, item):
        pass  # "共青城市、瑞昌市、九江经开区…位居全市前三，分别为32个、29个、28个": names in the clause before
    elif any(m.city for m in item.mentions):
        item.regions = [ctx.city]
    elif own.city_named:
        item.regions = [ctx.home if ctx.home_says_city else ctx.city]  # 我市 of 石首市's own bulletin
    elif own.unit_self:
        item.regions = [ctx.home]
    elif chain is not None:
        item.regions = list(chain.regions[-1:]) or [ctx.home]
        item.unknown = [r for r in chain.unknown if r in item.regions]
        if chain.excluded and chain.excluded.code in ("unmapped.county_group", "unmapped.city_level"):
            item.excluded = item.excluded or chain.excluded
    elif inherited is not None:
        item.regions = list(inherited.item.regions[-1:]) or [ctx.home]
    else:
        item.regions = [ctx.home]


def _unplaced(ctx: Reader, item: Item, chain: Item | None) -> bool:
    """A list item whose words are a name that is no known county and not county-like: it is not given the
    county before it; it is reported as a name that could not be placed."""
    words = item.pre.strip(" \u3000、,，;；:：")
    if (
        chain is None
        or chain.sentence is not item.sentence
        or not chain.mentions
        or not words
        or len(words) > 12
        or not re.fullmatch(r"[\u4e00-\u9fff（）()]+", words)
    ):
        return False
    features = item.own
    if features.object or features.kind or features.stage or features.floor or features.scope or features.city_named:
        return False
    item.excluded = Note("unmapped.not_placed", {"source": words})
    return True


def _names_before(ctx: Reader, item: Item) -> bool:
    """For a bare "分别为32个、29个…": the county names of the clause before it (set on ``item``)."""
    sentence = item.sentence
    end = item.start - 1
    if end <= 0:
        return False
    begin = max(0, end - 60)
    clause = sentence[begin:end]
    cut = max(clause.rfind(c) for c in "，,;；。") + 1
    names = [m for m in ctx.matcher.mentions(clause[cut:]) if not m.city]
    if len(names) < 2:
        return False
    item.regions = [m.name for m in names]
    item.unknown = [m.name for m in names if not m.known]
    item.quote_start = begin + cut + names[0].start
    item.respective = []
    return True
