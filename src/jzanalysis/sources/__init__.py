"""Sources stage: read a bulletin, clean it (every step reported), extract facts with quotes.

bulletin file → :func:`read.read_bulletin` (bytes → text; UTF-8, GBK/GB18030 guessed and reported; HTML →
visible text) → :func:`clean.clean_text` (spam, chrome, script tails, pinyin glosses, 繁→简, full-width
digits, doubled punctuation; each a :class:`CleaningStep`; mojibake refused) → :func:`extract.extract`
(tidy facts, each with its exact quote and offsets in the cleaned text).

Decisions (tested in tests/test_sources_*.py and the corpus under tests/corpus/):

- Never a guessed number: a phrase whose digits were stripped gives a warning naming the sentence.
- The same figure stated twice (same key, same value) is one fact with the first quote; two different
  values for one (year, months, region, metric) are a conflict: both are left out of ``facts`` and
  reported in ``conflicts`` and ``warnings`` (a reader cannot tell which is right; nothing is averaged).
- Growth against another year than the last (较2019年同期增长) is not ``yoy_pct``: a warning and a note.
- County figures that cover all nine counties must sum to the city's figure, else a warning.
- Figures of a few departments ("市农业局、市财政局…搜集有效项目信息近30条") and single-month figures
  (7月当月) are not city or county January..M figures and are not extracted.

>>> result = extract_file(settings.SEED_BULLETIN)                      # doctest: +SKIP
>>> result.facts.query("region == '公安县'").value.item()               # doctest: +SKIP
23.0
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import settings
from ..errors import InputError
from ..metrics import METRICS
from ..notes import Note
from ..regions import Region
from ..schema import facts_frame
from .clean import CleanedText, CleaningStep, clean_text, to_simplified
from .extract import CITY_UNKNOWN, ExtractionBudgetExceeded, Unmapped, budget, extract, publication_date
from .extract.document import Document
from .extract.regions import CityDetection
from .read import BULLETIN_SUFFIXES, read_bulletin

_HIDDEN_DESCRIPTIONS = {
    "html_script": "网页脚本（读者看不到，未读取）",
    "html_style": "网页样式（读者看不到，未读取）",
    "html_comment": "网页注释（读者看不到，未读取）",
}

# a pinyin gloss after a character in a mirror's copy: 区(qū), 领(lǐng)
_PINYIN_GLOSS_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")

__all__ = [
    "CITY_UNKNOWN",
    "CleaningStep",
    "ExtractionResult",
    "TextExtraction",
    "bulletin_files",
    "extract_file",
    "extract_paths",
    "extract_text",
    "read_text",
]


@dataclass
class ExtractionResult:
    """What one bulletin yielded.

    ``facts`` is the tidy table (:func:`jzanalysis.schema.facts_frame`; ``quote == text[start:end]``),
    ``cleaning`` every removal or change, ``notes`` the warnings (stripped digits, county sums, conflicts,
    other-year growth …; :class:`jzanalysis.notes.Note`, ``warnings`` their sentences), ``conflicts`` dicts
    with ``key`` (year, months, region, metric), ``values`` and ``quotes``: conflicting figures are reported
    there and left out of ``facts``.
    """

    source: str
    path: Path
    sha256: str
    encoding: str
    encoding_confidence: float | None
    publication_date: dt.date | None
    text: str  # the cleaned text; quotes are text[start:end]
    facts: pd.DataFrame
    cleaning: list[CleaningStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    cleaned: CleanedText | None = None
    raw_text: str = ""  # the decoded text before cleaning (an HTML page's visible text); raw_offset points into it
    unmapped: list[Unmapped] = field(default_factory=list)  # figures read but filed under no metric (audit)
    city: CityDetection | None = None  # the city the bulletin is about, and how that was found
    document: Document | None = None  # the subject, period and year decided for the text, with evidence

    @property
    def warnings(self) -> list[str]:
        """The notes as the sentences ``extract`` prints."""
        return [str(note) for note in self.notes]

    @property
    def city_name(self) -> str | None:
        """The city the bulletin is about (None when the text names none and none was given)."""
        return self.city.name if self.city is not None else None

    def raw_offset(self, i: int) -> int:
        """Offset in ``raw_text`` of cleaned-text character ``i``: ``raw_text[raw_offset(f.start):…]`` is where a
        quote came from (cleaning removes lines and glosses, so offsets shift)."""
        return self.cleaned.raw_offset(i) if self.cleaned else i


@dataclass
class TextExtraction:
    """What :func:`read_text` found in one decoded text."""

    facts: pd.DataFrame
    cleaned: CleanedText
    notes: list[Note]
    conflicts: list[dict]
    published: dt.date | None
    unmapped: list[Unmapped]
    city: CityDetection | None
    document: Document | None = None  # the subject, period and year decided for the text, with evidence

    @property
    def warnings(self) -> list[str]:
        """The notes as the sentences ``extract`` prints."""
        return [str(note) for note in self.notes]


def read_text(
    raw_text: str, source: str = "text", *, meta_published: str | None = None, region: Region | None = None
) -> TextExtraction:
    """Clean and extract from already-decoded text; ``region`` is the city when the caller knows it.

    The publication date is the text's 发布时间/发布日期 or dateline, else ``meta_published`` (an HTML page's
    PubDate).
    """
    # 發布時間 in a traditional copy is the same label; converting only for the look-up keeps the raw text intact
    published = (
        publication_date(raw_text)
        or publication_date(to_simplified(raw_text[:5000]))
        or (publication_date(f"发布时间:{meta_published}") if meta_published else None)
    )
    started = time.monotonic()
    cleaned = clean_text(raw_text, source)
    # the city is read from the page as published (its source line and site name count), in simplified
    # characters, without what cleaning removed as spam
    spam = {s.text for s in cleaned.steps if s.kind in ("spam_title", "spam")}
    page = to_simplified(raw_text if len(raw_text) <= 12_000 else raw_text[:10_000] + "\n" + raw_text[-2_000:])
    page = "\n".join(line for line in page.split("\n") if line.strip() not in spam)
    page = _PINYIN_GLOSS_RE.sub("", page)  # "全市领(lǐng)先": the words without the glosses cleaning also drops
    try:
        found = extract(
            cleaned.text,
            published=published,
            region=region,
            page_text=page,
            deadline=started + settings.EXTRACT_SECONDS,
        )
    except ExtractionBudgetExceeded as exc:
        raise InputError(
            f"{source}: not read within {settings.EXTRACT_SECONDS:g} s ({exc}); a bulletin takes under a second, "
            "so this text is not one (JZ_EXTRACT_SECONDS=N allows more)"
        ) from None
    finally:
        budget.stop()
    records = [
        {
            "year": f.year,
            "months": f.months,
            "region": f.region,
            "metric": f.metric,
            "value": f.value,
            "unit": METRICS[f.metric].unit,
            "plan_pct": f.plan_pct,
            "yoy_pct": f.yoy_pct,
            "source": source,
            "quote": cleaned.text[f.start : f.end],
            "start": f.start,
            "end": f.end,
            "qualifier": f.qualifier,
            "note": f.note,
            "city": f.city,
            "rule": f.rule,
            "phrase": f.phrase,
            "confidence": f.confidence,
        }
        for f in sorted(found.facts, key=lambda f: f.start)
    ]
    return TextExtraction(
        facts_frame(records),
        cleaned,
        found.notes,
        found.conflicts,
        published,
        found.unmapped,
        found.city,
        found.document,
    )


def extract_text(
    raw_text: str, source: str = "text", *, meta_published: str | None = None, region: Region | None = None
) -> tuple[pd.DataFrame, CleanedText, list[str], list[dict], dt.date | None]:
    """Clean and extract from already-decoded text: (facts, cleaned, warnings, conflicts, publication date)."""
    found = read_text(raw_text, source, meta_published=meta_published, region=region)
    return found.facts, found.cleaned, found.warnings, found.conflicts, found.published


def extract_file(path: Path | str, region: Region | None = None) -> ExtractionResult:
    """Read, clean and extract one bulletin file (.txt, .htm, .html; UTF-8, GBK/GB18030).

    Values are as stated (counts in 个, amounts in 亿元, rates in %); ``plan_pct``/``yoy_pct`` in percent.

    >>> result = extract_file("data/raw/000_f5510f0c233d12e8.txt")              # doctest: +SKIP
    >>> result.facts.query("metric == 'funds_in_place'")[["value", "plan_pct", "yoy_pct"]].values.tolist()  # doctest: +SKIP
    [[798.0, 61.4, 31.3]]

    Raises :class:`InputError` for a missing, empty, binary, undecodable or mojibake file.
    """
    document = read_bulletin(path)
    found = read_text(document.text, document.source, meta_published=document.meta_published, region=region)
    facts, cleaned, notes = found.facts, found.cleaned, found.notes
    # What an HTML page hides is not read; it is still reported (line = line in the HTML source).
    unread = [CleaningStep(kind, text, line, _HIDDEN_DESCRIPTIONS[kind]) for kind, text, line in document.hidden]
    if facts.empty:
        notes = [*notes, Note("file.no_figures")]
    return ExtractionResult(
        source=document.source,
        path=document.path,
        sha256=document.sha256,
        encoding=document.encoding,
        encoding_confidence=document.encoding_confidence,
        publication_date=found.published,
        text=cleaned.text,
        facts=facts,
        cleaning=unread + cleaned.steps,
        notes=notes,
        conflicts=found.conflicts,
        cleaned=cleaned,
        raw_text=document.text,
        unmapped=found.unmapped,
        city=found.city,
        document=found.document,
    )


def bulletin_files(paths: list[Path | str]) -> list[Path]:
    """The bulletin files ``paths`` name: files as given, folders expanded to their *.txt, *.htm, *.html
    (sorted by name; manifest.json and other files in a folder are ignored)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in BULLETIN_SUFFIXES)
            if not found:
                raise InputError(f"{path} has no bulletins; allowed: a folder with .txt, .htm or .html files")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in BULLETIN_SUFFIXES:
                raise InputError(f"{path} is not a bulletin; allowed: .txt, .htm or .html files, or a folder of them")
            files.append(path)
        else:
            raise InputError(f"no such file or folder: {path}; allowed: bulletin files (.txt, .htm, .html) or folders")
    if not files:
        raise InputError("no bulletins given; allowed: bulletin files (.txt, .htm, .html) or folders of them")
    return files


def extract_paths(paths: list[Path | str], region: Region | None = None) -> list[ExtractionResult]:
    """Extract every bulletin in ``paths`` (see :func:`bulletin_files`), in order; one result per file."""
    return [extract_file(f, region) for f in bulletin_files(paths)]
