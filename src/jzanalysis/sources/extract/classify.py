"""Step: reading one figure — its phrase (:mod:`.clauses`), its features (:mod:`.lexicon`), what it continues
in its sentence (the count a county list or an amount belongs to, the figure before it), its place
(:mod:`.place`) and period (:mod:`.period`), then the rule that gives its metric, and whether it is a target,
a difference or a part of the total."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...bounds import UPPER_BY_UNIT
from .clauses import phrase_after, phrase_start
from .items import Item, Trail
from .lexicon import Features, classify, read_phrase
from .numerals import Quantity
from .period import date_item
from .place import place_item

if TYPE_CHECKING:
    from .reader import Reader

_TARGET_AFTER = re.compile(r"[\"“”'’」』)）]?(?:的)?(?:目标|任务|计划)(?!的)")
_TARGET_BRACKET = re.compile(r"(?:目标|任务|计划)(?:任务)?[（(]$")
_PLAUSIBLE = UPPER_BY_UNIT  # bounds.py: the one table of units and their limits


def read_item(
    ctx: Reader, sentence, q, floor, next_start, depths, trail: Trail, inherited, period_marks, mark_ends
) -> Item:
    depth = depths[q.start]
    start = phrase_start(sentence, q.start, floor, depths)
    pre = sentence[start : q.start]
    post = phrase_after(sentence, q, next_start)
    own = read_phrase(pre + post, ctx.lexicon)
    mentions = ctx.matcher.mentions(pre)
    chain = trail.chain(depth) or (inherited.item if inherited else None)
    head = own.object is not None or own.floor is not None or own.kind is not None or own.band
    count_head = _count_head(ctx, sentence, start, depths, trail, depth, head, q.unit, inherited)
    amount_head = trail.amount_head(depth)
    item = Item(
        q,
        depth,
        start,
        pre,
        own,
        own,
        mentions,
        head,
        end=q.end + len(post),
        quote_start=start,
        sentence=sentence,
        floor=floor,
    )
    features = _own_features(ctx, item, post, chain)
    if (
        chain is not None
        and chain.sentence is sentence
        and chain.features.subset
        and not own.scope
        and not mentions
        and re.fullmatch(r"\s*[、，,]\s*", sentence[chain.end : start] or "、")
    ):
        # "其中10亿元以上项目15个，百亿元以上项目1个": the next in a 其中 list is a part of the same figure
        features = Features(**{**features.__dict__, "subset": True})
    independent = own.floor is not None or (own.object not in (None, "project")) or own.band
    population = count_head
    if (
        own.kind == "funds"
        and count_head is not None
        and count_head.sentence is sentence
        and re.search("[；;]", sentence[count_head.q.end : start])
    ):
        population = None  # "…外资方面,已签约项目2个;内联引资方面,实际利用内资54亿元": a new topic's funds
    if q.unit == "个":
        if count_head is not None:
            features = _continue(features, count_head, independent)
    elif q.unit == "亿元":
        if population is not None:
            features = _continue(features, population, False, amount=True)
        if features.kind is None and amount_head is not None and not own.text.strip(" 、,，其中"):
            features = Features(**{**features.__dict__, "kind": amount_head.features.kind})
        item.population = population
    elif chain is not None:
        features = _continue(features, chain, True)
    item.features = features

    place_item(ctx, item, chain, inherited)
    date_item(ctx, item, sentence, chain, inherited, period_marks, mark_ends)
    # an amount's own words name its projects' stage when no count precedes it ("新签约项目计划总投资1645亿元")
    population_stage = (
        population.features.stage if population is not None else (features.stage if q.unit == "亿元" else None)
    )
    item.rule = classify(features, q.unit, ctx.lexicon, population_stage)
    _mark_target(item, chain)
    _mark_excluded(item)
    return item


def _count_head(ctx: Reader, sentence, start, depths, trail: Trail, depth, head, unit, inherited) -> Item | None:
    """The count a figure belongs to: the one before it in its sentence, the words a list hangs from, or the
    count the sentence before it was about."""
    count_head = trail.count_head(depth)
    if count_head is None and not head and unit in ("个", "亿元"):
        # the words a list hangs from in its own sentence ("10亿元以上项目中，如皋市、海安市各9个") come before
        # what the sentence before it was about
        if trail.outer is False:
            trail.outer = _outer_phrase(ctx, sentence, start, depths)
        count_head = trail.outer
    return count_head or (inherited.count if inherited else None)


def _own_features(ctx: Reader, item: Item, post: str, chain: Item | None) -> Features:
    """The figure's own words with what it continues: scope and the words rules require from the figure
    before it, restrictions that name no place, and restrictions just before its phrase."""
    own, pre, mentions, sentence, start, floor = (
        item.own,
        item.pre,
        item.mentions,
        item.sentence,
        item.start,
        item.floor,
    )
    scope = own.scope if own.scope in ("resident", "leader", "city_own", "grouping") else None
    if (
        scope is None
        and not own.city_named
        and not mentions
        and chain is not None
        and chain.features.scope in ("resident", "leader")
    ):
        scope = chain.features.scope
    text = own.text
    if chain is not None and not item.head:
        text = f"{chain.own.text}…{own.text}"
    if mentions and own.restrictions:
        masked = list(pre)
        for m in mentions:
            masked[m.start : m.end] = "□" * (m.end - m.start)
        own = Features(
            **{**own.__dict__, "restrictions": read_phrase("".join(masked) + post, ctx.lexicon).restrictions}
        )
    around = (
        tuple(
            m.group(0)
            for m in ctx.lexicon.matchers["restriction"].finditer(
                ctx.lexicon.matchers["neutral"].sub("□", sentence[max(floor, start - 40) : start])
            )
        )
        if start > floor
        else ()
    )
    return Features(
        **{
            **own.__dict__,
            "scope": scope,
            "text": text,
            "restrictions": tuple(dict.fromkeys((*own.restrictions, *around))),
        }
    )


def _mark_target(item: Item, chain: Item | None) -> None:
    """A figure that is a target: followed by 目标/任务/计划, inside a target's brackets, or listed after one."""
    sentence, q, start = item.sentence, item.q, item.start
    if _TARGET_AFTER.match(sentence, q.end) or (
        item.depth and _TARGET_BRACKET.search(sentence, max(0, start - 12), start)
    ):
        item.target = "目标"  # "紧盯全年引进亿元以上项目350个的目标", "完成年度目标（24个）的79.2%"
    if (
        chain is not None
        and chain.sentence is sentence
        and (chain.own.target or chain.target)
        and re.fullmatch(r"\s*[、和及与]\s*", sentence[chain.end : start] or "、")
    ):
        item.target = chain.own.target or chain.target  # "力争新签约…250个、实际到位资金突破560亿元"


def _mark_excluded(item: Item) -> None:
    """A part of the total, a difference against another period, or a number no bulletin would state."""
    features, q = item.features, item.q
    if item.rule is None and features.restrictions:
        item.excluded = item.excluded or f"a part of the total ({'、'.join(features.restrictions)})"
    if features.comparison:
        item.rule, item.excluded = None, "a difference against another period"
    if _PLAUSIBLE.get(q.unit) is not None and q.value > _PLAUSIBLE[q.unit]:
        item.excluded = f"{q.number}{q.unit} is beyond any plausible figure of a bulletin"


def _outer_phrase(ctx: Reader, sentence: str, start: int, depths: list[int]) -> Item | None:
    """The words a county list hangs from when no figure precedes it: "6月底又集中签约了一批项目(其中,监利县
    10个…)" — the clauses before the list, up to three back, until they name what is counted."""
    position = start
    for _ in range(3):
        position -= 1
        while position > 0 and sentence[position] in " 、":
            position -= 1
        if position <= 0:
            return None
        begin = phrase_start(sentence, position, 0, depths)
        words = sentence[begin:position]
        features = read_phrase(words, ctx.lexicon)
        if features.object is not None or features.kind is not None:
            return Item(
                Quantity(0.0, "个", position, position, ""),
                depths[position],
                begin,
                words,
                features,
                features,
                [],
                True,
            )
        position = begin
    return None


def read_rate(ctx: Reader, sentence, q, floor, depths, trail: Trail, inherited, period_marks, mark_ends) -> Item | None:
    """A percentage whose phrase names a rate (开工率为78.1%) is a figure of its own."""
    start = phrase_start(sentence, q.start, floor, depths)
    pre = sentence[start : q.start]
    if "率" not in pre[-8:]:
        return None
    own = read_phrase(pre, ctx.lexicon)
    item = Item(
        q,
        depths[q.start],
        start,
        pre,
        own,
        own,
        ctx.matcher.mentions(pre),
        False,
        end=q.end,
        quote_start=start,
        sentence=sentence,
        floor=floor,
    )
    chain = trail.chain(depths[q.start])
    place_item(ctx, item, chain, inherited)
    date_item(ctx, item, sentence, chain, inherited, period_marks, mark_ends)
    item.rule = classify(own, "%", ctx.lexicon)
    if _PLAUSIBLE.get("%") is not None and q.value > _PLAUSIBLE["%"]:
        # a rate past 100% is a misprint or another ratio: that figure is left out, not the whole bulletin
        item.excluded = f"{q.number}% is beyond any plausible rate"
    return item


def is_listed(sentence: str, q: Quantity) -> bool:
    """A single Chinese numeral is a figure only in a list: after a county's name, 各, 为 or a list comma."""
    before = sentence[max(0, q.start - 3) : q.start]
    return bool(re.search(r"(?:县|市|区|各|为|、|是|项目|共|计)$", before))


def _continue(features: Features, head: Item, independent: bool, amount: bool = False) -> Features:
    """``features`` with what its phrase does not say taken from ``head`` (the figure it belongs to)."""
    source = head.features
    values = dict(features.__dict__)
    if amount:
        # an amount's own words are its kind; what it is the amount of comes from its projects
        values["stage"] = features.stage if features.stage is not None else source.stage
        values["floor"], values["band"], values["object"] = source.floor, source.band, source.object
        values["restrictions"] = tuple(dict.fromkeys((*features.restrictions, *source.restrictions)))
        values["subset"] = features.subset or source.subset
        values["scope"] = features.scope or (source.scope if source.scope in ("resident", "leader") else None)
        return Features(**values)
    if values["stage"] is None:
        values["stage"] = source.stage
    if features.floor is None and not features.band:
        values["floor"], values["band"] = source.floor, source.band
        if features.object in (None, "project") and source.object in ("industrial", "all"):
            values["object"] = source.object
    if values["object"] is None:
        values["object"] = source.object
    if not independent or features.subset:  # "其中10亿元以上项目16个" of one event is the event's too
        values["restrictions"] = tuple(dict.fromkeys((*features.restrictions, *source.restrictions)))
        values["subset"] = features.subset or source.subset
    if values["scope"] is None and source.scope in ("resident", "leader"):
        values["scope"] = source.scope
    if head.own.text and head.own.text not in features.text:
        values["text"] = f"{head.own.text}…{features.text}"
    return Features(**values)
