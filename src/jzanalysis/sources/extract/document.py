"""Document decisions: what a bulletin is about (its subject), which months it covers (its period) and which
year, each decided once per text from every clue, with its evidence and a confidence (0..1).

- Subject: :func:`.regions.detect_city` (the city from the names the text uses, or the one given) and
  :func:`.regions.decide_subject` (a county, district, county-level city or zone of that city).
- Period: the first January..M period of the text's own year (:func:`.dates.document_period`), else a
  review of a whole year ("2021年，全市…", "去年，全市…", :func:`.dates.full_year_review`), else a
  month's last day as the only date ("截至7月31日").
- Year: the year written at that period, else 今年 = the publication year, else the years the text writes
  (:func:`.dates.year_from_clues`); a publication date before the period's end cannot be of that year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .dates import (
    decide_year,
    document_period_mention,
    first_day_date,
    full_year_review,
    month_end_date,
    year_clue_confidence,
    year_from_clues,
)
from .regions import CityDetection

CITY_UNKNOWN = "全市"  # the region of city-wide figures when the text names no city and none is given


@dataclass
class Decision:
    """One document decision: its value (None: not decided), why, and how sure (0..1)."""

    value: object
    evidence: list[str] = field(default_factory=list)
    confidence: float = 1.0

    def line(self, name: str) -> str:
        shown = "none" if self.value is None else self.value
        because = "; ".join(self.evidence) if self.evidence else "no clue"
        return f"{name}: {shown} (confidence {self.confidence:.2f}) — {because}"


@dataclass
class Document:
    """What the whole text fixes before its sentences are read."""

    subject: Decision
    period: Decision
    year: Decision
    city: str  # the city figures are filed under (CITY_UNKNOWN when none)
    home: str  # the unit 全区/全县/我市 figures are filed under (the city itself for a city's bulletin)
    writing_year: int | None = None  # the year the text was written in: 去年 is the year before it
    last_year_review: bool = False  # the text reviews 去年 as a whole: its 去年 is its own year
    warnings: list[str] = field(default_factory=list)

    @property
    def months(self) -> int | None:
        return self.period.value  # type: ignore[return-value]

    def lines(self) -> list[str]:
        """The three decisions, one line each: subject, period, year."""
        months = self.period.value
        period = Decision(
            f"1-{months}月" if months and months > 1 else ("1月" if months else None),
            self.period.evidence,
            self.period.confidence,
        )
        return [self.subject.line("subject"), period.line("period"), self.year.line("year")]


def decide_subject(detection: CityDetection) -> Decision:
    """The subject decision from the city detection: the unit (or the city), its evidence and confidence."""
    if detection.name is None:
        return Decision(None, ["the text names no city (no city name, no county of a known city)"], 0.0)
    city_evidence = (
        [f"given ({detection.name})"]
        if detection.given
        else [f"the text names {'、'.join(detection.evidence[:6])}"]
        if detection.evidence
        else []
    )
    confidence = 1.0 if detection.given else detection.confidence
    if detection.home_unit:  # the unit names its city: the unit's evidence is the decision's
        return Decision(
            f"{detection.home_unit} ({detection.name})",
            [*city_evidence, *detection.subject_evidence],
            round(detection.subject_confidence, 2),
        )
    return Decision(detection.name, [*city_evidence, *detection.subject_evidence], round(confidence, 2))


def decide_document(text: str, published: dt.date | None, detection: CityDetection) -> Document:
    """The subject, period and year of ``text`` (see the module docstring); ``period.value`` None when the text
    names no period (its figures cannot be dated; the reason is in ``warnings``)."""
    city = detection.name or CITY_UNKNOWN
    home = detection.home_unit or city
    subject = decide_subject(detection)
    doc_year, year_why = decide_year(text, published)
    year_evidence = [year_why] if year_why else []
    year_confidence = 1.0 if doc_year is not None and "first period" in year_why else 0.9
    writing_year = published.year if published is not None else doc_year
    mention = document_period_mention(text, doc_year)
    months = mention.months if mention is not None else None
    period_evidence: list[str] = []
    period_confidence = 1.0
    last_year_review = False
    if mention is not None:
        context = text[max(0, mention.start - 6) : mention.end + 10].replace("\n", " ").strip()
        period_evidence.append(f"the text's first period of its own year: “{mention.text}” in “…{context}…”")
    else:
        review = full_year_review(text, published)
        if review is not None:
            months = 12
            period_evidence.append(f"a review of a whole year: “{review.text}”")
            period_confidence = 0.8
            if review.year is not None and review.last_year:
                doc_year, year_confidence = review.year, 0.9
                year_evidence = [f"“{review.text}”: the year before the publication date {published.isoformat()}"]
            elif review.year is not None:
                doc_year, year_evidence, year_confidence = review.year, [f"the review names “{review.text}”"], 0.9
            elif review.last_year and published is None:
                doc_year = None  # 去年 with no date: the year is found from the years the text writes below
            if review.last_year and published is None:
                writing_year = None
            last_year_review = review.last_year
    if months is None:
        months = month_end_date(text, doc_year)  # "截至7月31日" as the only date: January..July
        if months is not None:
            period_evidence.append("a month's last day is the only date")
            period_confidence = 0.8
    if months is None and published is not None and published.month > 1 and re.search("今年以来|年初以来", text[:3000]):
        months = published.month - 1  # 今年以来 in a text of 2019-07-10: January..June, as far as it could report
        period_evidence.append(f"今年以来 up to the month before the publication date {published.isoformat()}")
        period_confidence = 0.6
    warnings: list[str] = []
    if months is None:
        day_date = first_day_date(text)
        if day_date:
            warnings.append(
                f"the only date is “{day_date.group(0)}”, not the last day of a month (or 2月28日 with no year): "
                "figures of part of a month are left out"
            )
        elif re.search(r"\d", text):
            warnings.append("no period (1-M月, 上半年, …) found: figures cannot be dated and are left out")
        period_evidence.append("no period named")
        period_confidence = 0.0
    if doc_year is None and months is not None:
        clue_year, clues = year_from_clues(text, months)
        if clue_year is not None:
            doc_year, year_confidence = clue_year, year_clue_confidence(text, clue_year)
            year_evidence = [f"the years the text writes ({'; '.join(clues)})"]
    if (
        doc_year is not None
        and published is not None
        and months is not None
        and months < 12
        and doc_year == published.year
        and published.month < months
    ):
        # a January..M figure cannot be published before month M ends: the date is a later copy's
        clue_year, clues = year_from_clues(text, months)
        earlier = clue_year if clue_year is not None and clue_year < published.year else published.year - 1
        year_evidence = [
            f"published {published.isoformat()}, before the period 1-{months}月 ends: a later copy's date",
            *([f"the years the text writes ({'; '.join(clues)})"] if clue_year == earlier else []),
        ]
        doc_year, year_confidence = earlier, 0.5
    if (
        writing_year is not None
        and doc_year is not None
        and not (writing_year == doc_year or (writing_year == doc_year + 1 and months == 12))
    ):
        writing_year = doc_year  # a later copy's date (a repost): the text was written in its own year
    if writing_year is None and doc_year is not None:
        writing_year = doc_year + 1 if (months == 12 and published is None and _says_last_year(text)) else doc_year
    if doc_year is None and months is not None:
        warnings.append("no year in the text and no publication date: facts have no year")
        year_evidence = year_evidence or ["no year written, no publication date"]
        year_confidence = 0.0
    return Document(
        subject,
        Decision(months, period_evidence, period_confidence),
        Decision(doc_year, year_evidence, year_confidence),
        city,
        home,
        writing_year,
        last_year_review,
        warnings,
    )


def _says_last_year(text: str) -> bool:
    """True when the text reviews 去年 as its whole year ("去年全年全市…", "去年，全市…")."""
    review = full_year_review(text, None)
    return review is not None and review.last_year
