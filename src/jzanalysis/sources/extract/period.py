"""Step: the period and year of each figure — the period named before it in its sentence (or the one it
continues), the year named since the figure before it, the year that opens the sentence, else the document's
(:mod:`.document`). A figure of another year is of that year's whole (or the same months), one of a later
year is a plan."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .dates import YEAR_MARK_RE, PeriodMention
from .items import Frame, Item

if TYPE_CHECKING:
    from .reader import Reader

_LOOKBACK = 80  # characters a figure reaches back in its sentence for the year it is about
_AS_OF_NOW_RE = re.compile(r"(?:截[至止]|到)?目前|至今")  # as of the day of writing


def date_item(
    ctx: Reader,
    item: Item,
    sentence: str,
    chain,
    inherited: Frame | None,
    marks: list[PeriodMention],
    mark_ends: list[int],
) -> None:
    index = bisect.bisect_right(mark_ends, item.q.start)
    period = marks[index - 1] if index else None
    if period is not None:
        item.period_kind, item.months, item.period_text = period.kind, period.months, period.text
    elif inherited is not None:
        source = inherited.item
        item.period_kind, item.months, item.period_text = source.period_kind, source.months, source.period_text
    elif _AS_OF_NOW_RE.search(sentence, 0, item.q.start):
        # "目前，全市新签约…19个" in a bulletin of 一季度 published in May: as of the day it was written, not a
        # month's end and not the bulletin's period
        item.period_kind, item.months, item.period_text = "day", None, "目前"
    else:
        item.months = ctx.doc_months
    item.year = ctx.doc_year
    if inherited is not None and period is None and inherited.item.year is not None:
        item.year = inherited.item.year
    source = item.population if item.q.unit == "亿元" else (chain if not item.head else None)
    if source is not None and source.sentence == sentence and source.year is not None:
        # "2014年…引进32个…,已投产2个": a figure that continues another is of that figure's year, and of its
        # period unless its own phrase names another ("1-6月…86个，二季度新签约42个")
        item.year = source.year
        if period is None or period.start < item.start:
            item.months, item.period_kind = source.months, source.period_kind
    # the year a figure is about is named since the figure before it ("上年同期为118个 全市实际到位…" is not 2017's)
    lower = max(item.floor, item.q.start - _LOOKBACK)
    year_marks = list(YEAR_MARK_RE.finditer(sentence, lower, item.q.start))
    if not year_marks:
        topic = _topic_year(sentence, ctx.doc_year)
        if topic is None or topic.end() > item.q.start:
            return
        year_marks = [topic]  # "2014年，我区实际利用外资…；实际到位内资30亿元": the sentence is about 2014
    if period is not None and period.start >= lower:
        item.period_kind, item.months, item.period_text = period.kind, period.months, period.text
    mark = year_marks[-1]
    if mark.group("y"):
        year = int(mark.group("y"))
    elif ctx.doc_year is None:
        if mark.group("rel") in ("去年", "上年") and not ctx.last_year_review:
            item.excluded = item.excluded or "a figure of last year, and the bulletin's year is unknown"
        return
    else:
        year = ctx.writing_year - 1 if mark.group("rel") in ("去年", "上年") else ctx.doc_year
    if ctx.doc_year is None:
        item.year = year
        return
    if year < ctx.doc_year:
        item.year = year
        if not mark.group("same") and not (period is not None and period.start >= mark.start()):
            item.months, item.period_kind = 12, "cumulative"
    elif year == ctx.doc_year:  # "…增加到今年的112个": this year's figure, whatever came before it
        item.year = year
        if period is None or period.start < lower:
            item.months, item.period_kind = ctx.doc_months, "cumulative"
    else:  # a later year: a plan for it ("2020年，全州将力争…"), never this year's figure
        item.year = year
        item.target = item.target or f"{year}年"


_TOPIC_YEAR_RE = re.compile(r"\s*(?:(?P<y>20\d{2})年(?:度)?|(?P<rel>去年|上年))(?P<same>)[,，]")


def _topic_year(sentence: str, doc_year: int | None) -> re.Match | None:
    """A year that opens the sentence as its topic ("2014年，我区…", "去年，全市…") when it is not the bulletin's
    own year: every figure of the sentence is of that year unless another year is named nearer."""
    match = _TOPIC_YEAR_RE.match(sentence)
    if match is None or doc_year is None or (match.group("y") and int(match.group("y")) == doc_year):
        return None
    return match
