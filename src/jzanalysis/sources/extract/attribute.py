"""Step: percentages and 分别 lists — each plan share (完成全年目标的X%), growth (同比增长Y%) or share goes to
the figure it follows (:func:`.clauses.percent_groups` groups them); "A、B分别为25个、24个" gives the n-th
name the n-th value."""

from __future__ import annotations

import bisect
import itertools
import re
from typing import TYPE_CHECKING

from .clauses import percent_groups
from .items import Item
from .lexicon import Features, _group_of, classify
from .numerals import Quantity

if TYPE_CHECKING:
    from .reader import Reader


def attach_percentages(
    ctx: Reader, sentence: str, percents: list[Quantity], floors: dict[int, int], depths, items: list[Item]
) -> None:
    groups = percent_groups(sentence, percents, [floors[id(p)] for p in percents])
    figures = [i for i in items if i.q.unit != "%"]
    ends = [i.q.end for i in figures]
    paired_until: dict[str, int] = {}  # per kind: "分别完成…、…，同比分别增长…、…" pair the same figures twice
    last_end = 0  # where the last percentages ended: the figures after it come first
    for group in groups:
        previous_end, last_end = last_end, group.end
        depth = depths[group.first]
        if group.kind == "other":
            continue

        def before(limit: int = 12, group=group, depth=depth):
            """The figures before the group, nearest first, that a percentage can be about: not a difference
            ("较上年同期增加16个，同比增长8.1%"), not deeper in brackets ("目标（24个）的79.2%")."""
            found = []
            for i in range(bisect.bisect_right(ends, group.first) - 1, -1, -1):
                figure = figures[i]
                if figure.depth <= depth and not figure.features.comparison:
                    found.append(figure)
                    if len(found) == limit:
                        break
            return found[::-1]

        if group.respective or len(group.values) > 1:
            candidates = [
                i
                for i in before(len(group.values) * 4)
                if i.q.start >= paired_until.get(group.kind, 0) and i.depth == depth
            ]
            paired_until[group.kind] = group.end
            since = [i for i in candidates if i.q.start >= previous_end]  # "…612.4亿元，…358.7亿元，同比分别增长…"
            chosen = since if len(since) == len(group.values) else _pick(candidates, len(group.values))
            if chosen is None:
                if group.respective or any(i.plan_pct is None for i in before(2)):
                    if group.kind == "plan" and not group.respective:
                        ctx.out.warnings.append(
                            f"two plan shares “{sentence[group.start : group.end]}” not tied to figures one to one; not assigned"
                        )
                    elif group.respective:
                        ctx.out.warnings.append(
                            f"a 分别 list of percentages “{sentence[group.start : group.end]}” cannot be paired with the figures before it; not assigned"
                        )
                continue
            for target, value in zip(chosen, group.values):
                _attach(ctx, group, target, value, sentence)
            continue
        nearest = before(1)
        if not nearest:
            continue
        _attach(ctx, group, nearest[-1], group.values[0], sentence)


def _attach(ctx: Reader, group, target: Item, value: float, sentence: str) -> None:
    if (
        group.kind == "plan"
        and target.q.unit == "亿元"
        and target.own.kind == "total"
        and target.population is not None
        and target.population.sentence == sentence
        and target.population.plan_pct is None
    ):
        target = target.population  # "项目23个，总投资156.8亿元，完成全年目标任务的57.5%": the count's plan
    if group.kind == "plan":
        if target.plan_pct is None:
            if not 0 < value <= 1000:
                ctx.out.warnings.append(
                    f"a plan share of {value:g}% is not plausible (allowed: 0–1000%): “{sentence[group.start : group.end]}”; not used"
                )
                return
            target.plan_pct = value
            target.end = max(target.end, group.end)
    elif group.kind == "share":
        target.share = True
    elif group.kind == "growth":
        if group.negative and group.signed:
            ctx.out.warnings.append(
                f"growth written as a double negative “{sentence[group.start : group.end]}”: unclear, yoy_pct left empty"
            )
            return
        value = -value if group.negative or group.signed else value
        if group.base_year is not None and (target.year is None or group.base_year != target.year - 1):
            ctx.out.warnings.append(
                f"growth against {group.base_year} (not the previous year) is not year-on-year: “{sentence[group.start : group.end]}”; yoy_pct left empty"
            )
            target.note = (
                f"较{group.base_year}年同期增长{abs(value):g}%（非同比）"
                if value >= 0
                else f"较{group.base_year}年同期下降{abs(value):g}%（非同比）"
            )
            return
        if target.yoy_pct is None and -100 <= value <= 100_000:
            target.yoy_pct = value
            target.end = max(target.end, group.end)


def pair_respective(ctx: Reader, sentence: str, items: list[Item]) -> None:
    """ "公安县、监利县、石首市分别为25个、24个、20个": the n-th name gets the n-th value."""
    for index, item in enumerate(items):
        if item.respective is None:
            continue
        followers = []
        for other in items[index + 1 :]:
            between = sentence[followers[-1].q.end if followers else item.q.end : other.q.start]
            if other.q.unit != item.q.unit or not re.fullmatch(r"\s*[、,，和及]\s*", between):
                break
            followers.append(other)
        values = [item, *followers]
        quote = sentence[item.quote_start : values[-1].q.end]
        if len(values) != len(item.regions):
            ctx.out.warnings.append(
                f"a 分别 list whose names and values cannot be paired one to one: “{quote}”; not kept"
            )
            for follower in values:
                follower.excluded = "in a 分别 list that cannot be paired"
            continue
        regions, unknown = list(item.regions), list(item.unknown)
        for follower, region in zip(values, regions):
            follower.regions = [region]
            follower.unknown = [region] if region in unknown else []
            follower.rule, follower.features = item.rule, item.features
            follower.excluded = item.excluded
            follower.year, follower.months, follower.period_kind = item.year, item.months, item.period_kind
            follower.quote_start = item.quote_start
            follower.end = max(follower.end, values[-1].q.end)
        item.respective = None


def _pick(candidates: list[Item], n: int) -> list[Item] | None:
    """The figures a list of n percentages pairs with, in order: all of them when they are n, else the
    counts or the amounts when those are n ("…43个,总投资226.51亿元,…14个,…8个,分别完成…143%、140%、160%")."""
    if len(candidates) == n:
        return candidates
    for unit in ("个", "亿元"):
        subset = [c for c in candidates if c.q.unit == unit]
        if len(subset) == n:
            return subset
    return None


_LIST_JOIN = re.compile(r"\s*[、和及与]\s*")


def pair_stages(ctx: Reader, sentence: str, items: list[Item]) -> None:
    """ "新开工、新竣工亿元以上项目59个、40个": a list of stages before a list of as many values gives the n-th
    value the n-th stage (a phrase naming two stages otherwise reads as the one that takes precedence)."""
    stage_matcher = ctx.lexicon.matchers["stage"]
    for index, item in enumerate(items):
        if item.q.unit not in ("个", "亿元"):
            continue
        words = list(stage_matcher.finditer(item.own.text))
        if len(words) < 2 or not all(
            _LIST_JOIN.fullmatch(item.own.text[a.end() : b.start()]) for a, b in itertools.pairwise(words)
        ):
            continue
        values = [item]
        for other in items[index + 1 :]:
            between = sentence[values[-1].q.end : other.q.start]
            if len(values) == len(words) or other.q.unit != item.q.unit or not _LIST_JOIN.fullmatch(between):
                break
            values.append(other)
        if len(values) != len(words) or any(v.head for v in values[1:]):
            continue
        listed = item.own.text[words[0].start() : words[-1].end()]
        base = item.features
        for value, word in zip(values, words):
            stage = _group_of(word.group(0), ctx.lexicon.stages)
            value.features = Features(
                **{**base.__dict__, "stage": stage, "text": base.text.replace(listed, word.group(0))}
            )
            value.rule = classify(value.features, value.q.unit, ctx.lexicon, stage if value.q.unit == "个" else None)
            value.regions, value.unknown = list(item.regions), list(item.unknown)
            value.year, value.months, value.period_kind = item.year, item.months, item.period_kind
            value.excluded = item.excluded
            value.quote_start = item.quote_start
            value.end = max(value.end, values[-1].q.end)
            if value is not item:  # its own words are the list's, with its stage (what "not mapped" shows)
                own = item.own.text.replace(listed, word.group(0))
                value.own = Features(**{**item.own.__dict__, "stage": stage, "text": own})
