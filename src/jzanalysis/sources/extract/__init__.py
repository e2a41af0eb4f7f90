"""Extracting tidy facts from a cleaned bulletin, each with its exact quote, its rule and its phrase.

The extractor is a small pipeline around one declarative rule record (:class:`lexicon.Rule`). Where each kind
of decision is made (a mistake of that kind is found there):

1. :mod:`.document` decides once per text what it is about (its subject: the city, or one county, district,
   county-level city or zone, found by :mod:`.regions`), which months it covers and which year, each with its
   evidence and a confidence (``extract --explain`` prints them first).
2. :mod:`.reader` reads the text sentence by sentence; :mod:`.clauses` splits a sentence into clauses and
   gives every figure (number + unit, :mod:`.numerals`) its own phrase.
3. :mod:`.classify` reads each phrase into features with :mod:`.lexicon` (scope, stage, size floor, object,
   amount kind, restrictions); words a phrase lacks come from the figure it continues in the same sentence
   ("其中10亿元以上项目21个", "已开工9个", a county list after its total), or from the sentence before when
   the text says so (其中…, 分别为…, 从各县市区…看); the first rule the features meet gives the metric. A
   phrase that meets no rule is reported as a figure not mapped.
4. :mod:`.place` gives each figure its county-level unit, the city or the bulletin's own unit; :mod:`.period`
   its months and year (January..M, one month, a day, another year).
5. :mod:`.attribute` gives percentages to the figures they follow (plan share, growth) and pairs 分别 lists.
6. :mod:`.emit` turns each figure into a :class:`Fact` (or reports why not), tables too (:mod:`.tables`);
   :mod:`.reconcile` merges repeats, keeps the widest of a figure and its parts, reports conflicts.

Nothing is guessed: a figure whose digits were stripped, whose region or period is unclear, or that is a
target, a single month or a part of the total is reported and left out.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from ...notes import Note
from ...regions import Region
from . import budget
from .budget import ExtractionBudgetExceeded
from .clauses import HAS_NUMBER_RE, STRIPPED_RE, sentences
from .dates import document_year, find_period, publication_date
from .document import CITY_UNKNOWN, decide_document
from .emit import emit_tables, fact_confidence
from .items import Extraction, Fact, Frame, Unmapped
from .lexicon import is_breakdown, is_continuation, load_lexicon
from .numerals import CN_DECIMAL, MAX_DIGITS, PCT, number_value, quantities
from .reader import Reader
from .reconcile import check_unit_sums, reconcile
from .regions import CityDetection, RegionMatcher, detect_city

__all__ = [
    "CITY_UNKNOWN",
    "CN_DECIMAL",
    "PCT",
    "Extraction",
    "Fact",
    "Unmapped",
    "document_year",
    "extract",
    "fact_confidence",
    "find_period",
    "number_value",
    "publication_date",
]

_OVERLONG_RE = re.compile(rf"(?<!\d)\d{{{MAX_DIGITS + 1},}}(?:\.\d+)?\s*(?:个|亿元|万元|%)")


def extract(
    text: str,
    *,
    published: dt.date | None = None,
    region: Region | None = None,
    page_text: str | None = None,
    deadline: float | None = None,
) -> Extraction:
    """Facts from cleaned bulletin text.

    ``published`` resolves 今年 when the text names no year; ``region`` is the city the bulletin is about
    when the caller knows it (``--region``), else it is found from ``page_text`` (the page before cleaning,
    whose source line and site name often name the city) or the text. ``deadline`` (a ``time.monotonic()``
    value) stops the work with :class:`ExtractionBudgetExceeded` once passed.

    >>> from jzanalysis.regions import get_region
    >>> [(f.region, f.metric, f.value, f.plan_pct) for f in extract(
    ...     "1-7月全市新引进亿元以上项目174个,完成全年计划的71.6%。", published=dt.date(2015, 9, 2),
    ...     region=get_region("荆州市")).facts]
    [('荆州市', 'projects_100m', 174.0, 71.6)]
    """
    lexicon = load_lexicon()
    budget.start(deadline, len(text))
    out = Extraction()
    detection = detect_city(page_text if page_text is not None else text, region)
    out.city = detection
    _say_city(detection, out)
    document = decide_document(text, published, detection)
    out.document = document
    out.notes.extend(document.notes)
    if document.months is None:
        return out
    city, home = document.city, document.home
    matcher = RegionMatcher(detection.region, detection.name)
    doc_year, doc_months = document.year.value, document.months

    context = Reader(lexicon, matcher, city, home, doc_year, doc_months, out)
    context.writing_year = document.writing_year if document.writing_year is not None else doc_year
    context.last_year_review = document.last_year_review
    _read_sentences(context, text, deadline)
    emit_tables(context, text)
    reconcile(out, text)
    check_unit_sums(out, detection.region, city)
    for fact in out.facts:
        fact.confidence = fact_confidence(fact, document, context.unknown_reported)
    return out


def _read_sentences(context: Reader, text: str, deadline: float | None) -> None:
    """Read ``text`` sentence by sentence, each with the frame it continues: the sentence before (其中…,
    分别为…), a heading line, or the bulletin's headline figure (分县市区看…)."""
    lexicon = context.lexicon
    frame: Frame | None = None
    heading: Frame | None = None
    pending_breakdown = False
    for s_start, s_end in sentences(text):
        budget.at(s_start)
        if deadline is not None and time.monotonic() > deadline:
            raise ExtractionBudgetExceeded(f"stopped at character {s_start:,} of {len(text):,}")
        sentence = text[s_start:s_end]
        _say_unreadable(sentence, context.out)
        if not HAS_NUMBER_RE.search(sentence):
            heading = context.heading(sentence) or heading
            frame = None
            pending_breakdown = is_breakdown(sentence, lexicon)  # "分县（市、区）看：" on a line of its own
            continue
        headline = context.headline_frame()
        found = quantities(sentence)
        breakdown = is_breakdown(sentence, lexicon) or pending_breakdown
        pending_breakdown = False
        if breakdown:
            inherited = headline or frame  # "分县市区看，…": the bulletin's headline count, by county
        elif is_continuation(sentence, lexicon):
            inherited = frame
        elif context.elliptic(sentence, found):
            inherited = frame or heading or headline  # "荆州区18个。" after the figure it breaks down
        else:
            inherited = None
        if inherited is None and heading is not None and frame is None:
            inherited = heading  # "二、新签约亿元以上项目情况" then a list of counties
        frame = context.sentence(sentence, s_start, inherited, frame, breakdown, found)
        heading = None


def _say_unreadable(sentence: str, out: Extraction) -> None:
    """A figure whose digits were stripped, or a number too long to be a bulletin's figure: reported."""
    stripped = STRIPPED_RE.search(sentence)  # before the number test: a fully stripped sentence has none
    if stripped:
        fields = {"at": stripped.group(0), "sentence": sentence.strip()[:120]}
        out.notes.append(Note("figure.digits_stripped", fields))
    overlong = _OVERLONG_RE.search(sentence)
    if overlong:
        out.notes.append(Note("figure.overlong", {"digits": MAX_DIGITS, "number": overlong.group(0)[:40]}))


def _say_city(detection: CityDetection, out: Extraction) -> None:
    name = detection.name
    if detection.given and detection.evidence and detection.evidence[0].startswith("the text names"):
        out.notes.append(Note("city.other_than_given", {"evidence": detection.evidence[0], "city": name}))
    if name is None:
        out.notes.append(Note("city.none", {"unknown": CITY_UNKNOWN}))
    elif detection.region is None:
        out.notes.append(Note("city.unknown_region", {"city": name}))
    elif detection.region.profile is None:
        out.notes.append(Note("city.no_profile", {"city": name}))
    if detection.home_unit:
        out.notes.append(Note("city.home_unit", {"unit": detection.home_unit, "city": name}))
