"""Extraction notes in the report's language.

The extractor's warnings are English sentences for the command line. A report words the ones a reader
needs from the catalogue (a city without a region profile, figures that do not add up, a conflict, …);
the rest are counted and shown as the program wrote them only in the data audit. Likewise the reasons a
figure was filed under no metric ("not mapped"), which the data audit lists per file.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..metrics import METRICS

# (pattern of the extractor's sentence, catalogue key, group name → placeholder)
_RULES: tuple[tuple[re.Pattern, str, dict[str, str]], ...] = tuple(
    (re.compile(pattern), key, names)
    for pattern, key, names in (
        (r"^(?P<city>\S+) has no region profile", "notes.no_profile", {"city": "place"}),
        (r"^(?P<city>\S+) is not a known region", "notes.unknown_region", {"city": "place"}),
        (r"^the text names no city", "notes.no_city", {}),
        (r", not (?P<city>\S+); its figures are filed under", "notes.other_city", {"city": "place"}),
        (
            r"^the bulletin is about (?P<unit>\S+) \(.*\), not all of (?P<city>\S+)$",
            "notes.home_unit",
            {"unit": "place", "city": "place"},
        ),
        (
            r"^(?P<unit>\S+) is not in (?P<city>\S+)'s profile",
            "notes.unit_not_in_profile",
            {"unit": "place", "city": "place"},
        ),
        (r"^conflict: ", "notes.conflict", {}),
        (r"^county figures of (?P<metric>\S+) ", "notes.sums", {"metric": "metric"}),
        (r"^(no period|the only date is)", "notes.not_dated", {}),
        (r"^no year in the text", "notes.no_year", {}),
        (r"(not kept|not read|not assigned|not used|no fact taken|left empty)", "notes.not_kept", {}),
    )
)


def note_lines(warnings, catalogue, region=None) -> tuple[list[str], list[str]]:
    """(notes worded from the catalogue, without repeats; the warnings no rule words, as written)."""
    worded: list[str] = []
    technical: list[str] = []
    for warning in warnings:
        for pattern, key, names in _RULES:
            match = pattern.search(warning)
            if match is None:
                continue
            values = {}
            for group, kind in names.items():
                text = match.group(group)
                if kind == "place":
                    values[group] = catalogue.place(text)
                elif kind == "metric":
                    values[group] = catalogue.metric(text) if text in METRICS else text
            line = catalogue.t(key, **values)
            if line not in worded:
                worded.append(line)
            break
        else:
            technical.append(warning)
    return worded, technical


# --- figures read but filed under no metric ----------------------------------------------------------

# (pattern of the extractor's reason, catalogue key); a group ``source`` is bulletin text, shown quoted
_UNMAPPED_RULES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^no metric for this phrase", "unmapped.no_metric"),
        (r"^a part of the total broken down by something other than county", "unmapped.other_breakdown"),
        (r"^a part of the total \((?P<source>.+)\)$", "unmapped.part_of_total"),
        (r"^a part of a wider figure of the same metric", "unmapped.wider_figure"),
        (r"^a difference against another period", "unmapped.difference"),
        (r"is beyond any plausible figure", "unmapped.implausible"),
        (r"^a group of counties", "unmapped.county_group"),
        (r"^the city's own level", "unmapped.city_level"),
        (r"^names more than one county", "unmapped.several_counties"),
        (r"^names “(?P<source>[^”]+)”, which is not a county", "unmapped.not_placed"),
        (r"^a figure of last year, and the bulletin's year is unknown", "unmapped.last_year"),
        (r"list that cannot be paired", "unmapped.unpaired_list"),
    )
)


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


def unmapped_reason(reason: str, phrase: str, catalogue) -> Markup:
    """Why a figure is filed under no metric, in the catalogue's words (HTML: bulletin text quoted); a reason
    no rule words is shown as the program wrote it."""
    for pattern, key in _UNMAPPED_RULES:
        match = pattern.search(reason)
        if match is None:
            continue
        if key == "unmapped.no_metric" and _is_place(phrase, catalogue):
            key = "unmapped.no_metric_list"  # "分别为:霍山县9个": the list's heading names no metric
        values = {"phrase": _quoted(phrase.strip()) if phrase.strip() else ""}
        if "source" in pattern.groupindex:
            values["source"] = _quoted(match.group("source"))
        return escape(catalogue.t(key)).format(**values)
    return Markup("<code>") + escape(reason) + Markup("</code>")


def _unit_in_quote(value: float, quote: str) -> str:
    """The unit the quote gives the number ``value`` (a figure a later step set aside carries none)."""
    from ..sources.extract.numerals import quantities

    return next((q.unit for q in quantities(quote) if q.value == value), "")


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
        quote = extraction.text[item.start : item.end]
        unit = item.unit or _unit_in_quote(item.value, quote)
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
