"""Step: facts — each read figure with a rule becomes a :class:`.items.Fact` (or is reported and left out: a
target, a single month, a day, no period), county by county; table cells (:mod:`.tables`) likewise; and each
fact's confidence from the document decisions it rests on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...metrics import METRICS
from ...notes import Note
from . import budget
from .dates import YEAR_MARK_RE, period_mentions
from .document import CITY_UNKNOWN, Document
from .items import Fact, Item, Unmapped
from .tables import find_tables

if TYPE_CHECKING:
    from .reader import Reader


def emit_item(ctx: Reader, item: Item, sentence: str, s_start: int) -> None:
    budget.check()
    out = ctx.out
    phrase = item.features.text
    quote = sentence[item.quote_start : item.end]
    if item.rule is None:
        if item.q.unit not in ("个百分点",) and (item.q.unit != "%"):
            reason = item.excluded or Note("unmapped.no_metric")
            out.unmapped.append(
                Unmapped(
                    item.q.value, item.q.unit, item.own.text, reason, s_start + item.quote_start, s_start + item.end
                )
            )
        return
    metric = item.rule.metric
    skip = item.excluded
    if skip is None and (item.own.target or item.target):
        skip = Note("figure.target")
    if skip is None and item.period_kind == "single" and metric != "batch_signings_june":
        skip = Note("figure.single_period", {"period": item.period_text})
    if skip is None and item.period_kind == "day":
        skip = Note("figure.day", {"period": item.period_text})
    if skip is None and item.months is None:
        skip = Note("figure.no_period")
    if skip is not None:
        quote_of_skipped = sentence[max(0, item.q.start - 30) : item.end].strip()
        out.notes.append(Note("figure.not_kept", {"why": skip, "quote": quote_of_skipped}))
        return
    months = 6 if metric == "batch_signings_june" else item.months
    note = item.note
    if item.rule.note_other_year and item.year is not None and ctx.doc_year is not None and item.year < ctx.doc_year:
        note = item.rule.note_other_year.format(year=item.year)
    for region in item.regions:
        if region in item.unknown and region not in ctx.unknown_reported:
            ctx.unknown_reported.add(region)
            owner = ctx.matcher.region.name if ctx.matcher.region is not None else ctx.city
            if owner == CITY_UNKNOWN:
                out.notes.append(Note("unit.not_in_city_profile", {"unit": region, "quote": quote}))
            else:
                out.notes.append(Note("unit.not_in_profile", {"unit": region, "city": owner, "quote": quote}))
        fact_note = "；".join(n for n in (item.rule.note, item.notes.get(region), note) if n) or None
        population = item.population.features if item.population is not None else item.features
        breadth = (
            int(item.features.subset or item.own.subset),
            int(item.share),
            1 if population.object == "industrial" else 0,
            population.floor or 0.0,
        )
        out.facts.append(
            Fact(
                year=item.year,
                months=months,
                region=region,
                metric=metric,
                value=METRICS[metric].to_unit(item.q.value, item.q.unit)
                if item.q.unit in METRICS[metric].convert
                else item.q.value,  # 5008万美元 → 0.5008亿美元
                start=s_start + item.quote_start,
                end=s_start + item.end,
                plan_pct=item.plan_pct if len(item.regions) == 1 else None,
                yoy_pct=item.yoy_pct if len(item.regions) == 1 else None,
                qualifier=item.own.qualifier,
                note=fact_note,
                rule=item.rule.id,
                phrase=phrase,
                city=ctx.city if ctx.city != CITY_UNKNOWN else None,
                breadth=breadth,
            )
        )


def emit_tables(ctx: Reader, text: str) -> None:
    """Figures of tables flattened to text (see :mod:`.tables`), dated by the table's title."""
    for cell in find_tables(text, ctx.lexicon, ctx.matcher):
        marks = list(period_mentions(cell.title, ctx.doc_year))
        period = marks[-1] if marks else None
        if period is not None and period.kind != "cumulative":
            continue  # a table of one month
        months = period.months if period is not None else ctx.doc_months
        year_mark = YEAR_MARK_RE.search(cell.title)
        year = int(year_mark.group("y")) if year_mark and year_mark.group("y") else ctx.doc_year
        region = ctx.city if cell.city else cell.region
        if not cell.known and region not in ctx.unknown_reported:
            ctx.unknown_reported.add(region)
            owner = ctx.matcher.region.name if ctx.matcher.region is not None else ctx.city
            fields = {"unit": region, "city": owner, "title": cell.title}
            ctx.out.notes.append(Note("unit.not_in_profile_table", fields))
        # a cell's own figure, rule and place in the text; the row's region and the table's period
        same = ("metric", "value", "start", "end", "rule", "phrase", "breadth", "plan_pct", "yoy_pct")
        city = ctx.city if ctx.city != CITY_UNKNOWN else None
        given = {name: getattr(cell, name) for name in same}
        ctx.out.facts.append(Fact(year=year, months=months, region=region, city=city, table=True, **given))


def fact_confidence(fact: Fact, document: Document, unknown: set[str]) -> float:
    """How sure a fact's place and date are, from the document decisions it rests on: the subject's for a
    figure of the city or the bulletin's own unit (a county named in the sentence is as sure as its name:
    0.7 when no profile or national list holds it), the period's, and the year's for a figure of the
    bulletin's year (a year written beside the figure is sure; no year at all is 0.3)."""
    if fact.region in unknown:
        place = 0.7
    elif fact.region in (document.city, document.home):
        place = document.subject.confidence if document.subject.value is not None else 0.3
    else:
        place = 1.0
    if fact.year is None:
        year = 0.3
    elif fact.year == document.year.value:
        year = document.year.confidence
    else:
        year = 1.0
    return round(min(place, document.period.confidence, year), 2)
