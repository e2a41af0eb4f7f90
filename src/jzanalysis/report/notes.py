"""Extraction notes in the report's language.

The extractor's warnings are typed notes (:class:`jzanalysis.notes.Note`: a code and its fields). A report
words the ones a reader needs from the catalogue by their code (a city without a region profile, figures that
do not add up, a conflict, …); the rest are counted and shown as the program wrote them (``str(note)``) only
in the data audit. Likewise the reasons a figure was filed under no metric ("not mapped"), whose codes are the
catalogue's keys (``unmapped.*``) and which the data audit lists per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from ..metrics import METRICS
from ..notes import Note

_NOT_KEPT = ("notes.not_kept", {})
_NOT_IN_PROFILE = ("notes.unit_not_in_profile", {"unit": "place", "city": "place"})

# note code → (catalogue key, field → kind of value: a place or a metric, worded from the catalogue); a note
# whose code is not here is technical: shown as the program wrote it
_WORDED: dict[str, tuple[str, dict[str, str]]] = {
    "city.no_profile": ("notes.no_profile", {"city": "place"}),
    "city.unknown_region": ("notes.unknown_region", {"city": "place"}),
    "city.none": ("notes.no_city", {}),
    "city.other_than_given": ("notes.other_city", {"city": "place"}),
    "city.home_unit": ("notes.home_unit", {"unit": "place", "city": "place"}),
    "unit.not_in_profile": _NOT_IN_PROFILE,
    "unit.not_in_profile_table": _NOT_IN_PROFILE,
    "conflict": ("notes.conflict", {}),
    "sums": ("notes.sums", {"metric": "metric"}),
    "period.none": ("notes.not_dated", {}),
    "period.day_only": ("notes.not_dated", {}),
    "year.none": ("notes.no_year", {}),
    "figure.digits_stripped": _NOT_KEPT,
    "figure.overlong": _NOT_KEPT,
    "figure.not_kept": _NOT_KEPT,
    "list.unpaired": _NOT_KEPT,
    "percent.plan_shares_unpaired": _NOT_KEPT,
    "percent.list_unpaired": _NOT_KEPT,
    "percent.plan_implausible": _NOT_KEPT,
    "percent.double_negative": _NOT_KEPT,
    "percent.other_base": _NOT_KEPT,
}


def note_lines(notes: Iterable[Note], catalogue, region=None) -> tuple[list[str], list[str]]:
    """(notes worded from the catalogue, without repeats; the notes it has no words for, as written)."""
    worded: list[str] = []
    technical: list[str] = []
    for note in notes:
        if note.code not in _WORDED:
            technical.append(str(note))
            continue
        key, kinds = _WORDED[note.code]
        values = {}
        for name, kind in kinds.items():
            value = note.fields[name]
            if kind == "place":
                values[name] = catalogue.place(value)
            elif kind == "metric":
                values[name] = catalogue.metric(value) if value in METRICS else value
        line = catalogue.t(key, **values)
        if line not in worded:
            worded.append(line)
    return worded, technical


# --- figures read but filed under no metric ----------------------------------------------------------


def _quoted(text: str) -> Markup:
    return Markup('<q class="source" lang="zh">') + escape(text) + Markup("</q>")


_PLACE_LIKE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:县|区|市|旗|开发区|新区)")


def _is_place(phrase: str, catalogue) -> bool:
    """True when the words a figure was read with are only a place's name: an item of a list."""
    name = re.split(r"[:：,，、]", phrase)[-1].strip()
    region = catalogue.region
    if region is not None and name and region.resolve(name):
        return True
    return bool(_PLACE_LIKE.fullmatch(name))


def unmapped_reason(reason: Note, phrase: str, catalogue) -> Markup:
    """Why a figure is filed under no metric (a note whose code is a catalogue key), in the catalogue's words
    (HTML: bulletin text quoted: the phrase, and a field ``source``); a reason the catalogue has no words for
    is shown as the program wrote it."""
    key = reason.code
    if not key.startswith("unmapped.") or not catalogue.has(key):
        return Markup("<code>") + escape(str(reason)) + Markup("</code>")
    if key == "unmapped.no_metric" and _is_place(phrase, catalogue):
        key = "unmapped.no_metric_list"  # "分别为:霍山县9个": the list's heading names no metric
    values = {"phrase": _quoted(phrase.strip()) if phrase.strip() else ""}
    if "source" in reason.fields:
        values["source"] = _quoted(reason.fields["source"])
    return escape(catalogue.t(key)).format(**values)


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[,，:：]")


def in_context(text: str, start: int, end: int) -> str:
    """The figure's quote ``text[start:end]`` with the head of its sentence when it starts mid-sentence: a
    figure of a list ("霍山县9个") is read with what the list is of ("1-6月份全市5亿元以上新签约项目23个,…霍山县9个").

    >>> t = "一、情况。1-6月份全市5亿元以上新签约项目23个,分别为:霍山县9个、金寨县3个。"
    >>> in_context(t, t.index("金寨县"), t.index("金寨县") + 5)
    '1-6月份全市5亿元以上新签约项目23个,…金寨县3个'
    >>> in_context(t, t.index("1-6月份"), t.index("23个") + 3)
    '1-6月份全市5亿元以上新签约项目23个'
    """
    head = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    lead = text[head:start]
    if not lead.strip():
        return text[start:end]
    clause = _CLAUSE_END.search(lead)
    if clause is None or not lead[clause.end() :].strip(" ,，:："):
        return text[head:end].strip()  # the quote's own clause: the sentence from its start
    return lead[: clause.end()].strip() + "…" + text[start:end]


def unmapped_rows(extraction, catalogue) -> list[list]:
    """One table row per figure of ``extraction`` filed under no metric: its quote with the head of its
    sentence (quoted), the number with its unit, and why it was not mapped."""
    rows = []
    for item in extraction.unmapped:
        unit = item.stated_unit(extraction.text)
        rows.append(
            [
                {"text": in_context(extraction.text, item.start, item.end), "quote": True, "cls": "text quote"},
                catalogue.fmt.stated(item.value, unit),
                {"text": unmapped_reason(item.reason, item.phrase, catalogue), "cls": "text"},
            ]
        )
    return rows


# "来源：咸宁日报", "信息来源:市投创中心发布时间:…": the name after the label, up to the next label, space or
# punctuation; a web address is no publisher's name.
_PUBLISHER_RE = re.compile(r"(?:文章|信息|稿件)?来源\s*[:：]\s*(?P<name>[^\s:：|｜/，。,;；()（）]{2,24})")
_NEXT_LABEL_RE = re.compile(r"(?:发布|时间|日期|作者|编辑|责编|浏览|点击|收集|字号)")


def publisher(text: str | None) -> str | None:
    """The publisher a bulletin's page names (its 来源 line), or None; read at the top and bottom of the
    page only, where a page's source line stands.

    >>> publisher("信息来源:市投创中心发布时间:2024-07-15"), publisher("来源: 咸宁日报\\n"), publisher("来源: 发布时间:")
    ('市投创中心', '咸宁日报', None)
    >>> publisher("来源:http://www.qhhb.gov.cn") is None
    True
    """
    if not text:
        return None
    edge = text[:6000] + "\n" + text[-3000:]
    for match in _PUBLISHER_RE.finditer(edge):
        name = _NEXT_LABEL_RE.split(match.group("name"))[0].strip()
        if len(name) >= 2 and not re.match(r"(?:https?|www)", name, re.I):
            return name
    return None
