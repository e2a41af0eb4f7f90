"""Sentences, clauses and each figure's own phrase.

A sentence ends at 。！？ or a line break; inside it, clauses end at commas, semicolons and spaces between
words (a mirror that lost its punctuation often keeps spaces). A figure's phrase is the text from the start
of its clause (or the end of the figure before it, or the bracket it sits in) to the number, plus the words
after "N个" when they name what is counted ("159个亿元以上工业项目"). Percentages are read as the plan
share or growth of the figure they follow, singly or as a 分别 list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import PCT, Quantity, number_value

_SENTENCE_END = re.compile(r"[。！？!?\n]|(?<![\d.])\.(?![\d.])")  # a half-width "." ends a sentence, not 218.7
PHRASE_LIMIT = 60  # characters a phrase reaches back: keeps every scan linear in the sentence


_SHORT_LINE = 24  # characters: a line of a list or of a figure-per-line post, not of prose
_TERMINAL = "。！？!?；;"


def _joined_lines(text: str) -> set[int]:
    """Line breaks that are clause breaks, not sentence ends: inside a paragraph (between blank lines) whose
    lines are all short and unpunctuated ("新签约亿元以上项目\n142个\n同比增长\n24.6%", a county per line)."""
    joined: set[int] = set()
    position = 0
    for paragraph in re.split(r"(\n[ \t\u3000]*\n)", text):
        lines = paragraph.split("\n")
        stripped = [line.strip(" \t\u3000") for line in lines]
        if (
            len(lines) >= 2
            and all(0 < len(line) <= _SHORT_LINE for line in stripped)
            and not any(line[-1] in _TERMINAL for line in stripped)
            and 2 * sum(1 for line in stripped if re.search(r"\d", line)) >= len(stripped)
        ):
            offset = position
            for line in lines[:-1]:
                offset += len(line)
                joined.add(offset)
                offset += 1
        else:
            joined |= _figure_runs(lines, stripped, position)
        position += len(paragraph)
    return joined


def _figure_runs(lines: list[str], stripped: list[str], position: int) -> set[int]:
    """Line breaks inside a run of short unpunctuated lines that each carry a figure, in a paragraph of
    prose: one sentence laid out a clause per line ("全市签约项目374个\n计划总投资458.75亿元\n其中…")."""
    joined: set[int] = set()
    offset = position
    for index, line in enumerate(lines[:-1]):
        offset += len(line)
        if all(
            0 < len(one) <= _SHORT_LINE and one[-1] not in _TERMINAL and re.search(r"\d", one)
            for one in (stripped[index], stripped[index + 1])
        ):
            joined.add(offset)
        offset += 1
    return joined


def sentences(text: str):
    """(start, end) of each sentence of ``text``: split at 。！？, a half-width full stop and line breaks (a line
    break inside a paragraph of short unpunctuated lines only separates clauses)."""
    joined = _joined_lines(text) if "\n" in text else set()
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() in joined:
            continue
        if match.start() > start:
            yield start, match.start() + 1
        start = match.end()
    if start < len(text):
        yield start, len(text)


def paren_depths(sentence: str) -> list[int]:
    """Bracket depth before each character (and one past the end)."""
    depths, depth = [], 0
    for ch in sentence:
        depths.append(depth)
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
    depths.append(depth)
    return depths


_BREAK_RE = re.compile(r"[,，;；!！?？。\n\t(（|｜]|(?<=[^\x00-\x7f])[ \u3000\xa0](?=[^\x00-\x7f \u3000])")


_SUBSET_HEAD = re.compile(r"[\s\u3000]*(其中)[,，:：]")
_LINK_ONLY = re.compile(r"\s*(?:已|共|累计|总计|合计)?(?:达到|达|为|计)?\s*")


def phrase_start(sentence: str, position: int, floor: int, depths: list[int]) -> int:
    """Start of the phrase of a figure at ``position``: after the last clause break, the unclosed bracket the
    figure sits in, or ``floor`` (the end of the figure before it), at most :data:`PHRASE_LIMIT` back."""
    lower = max(floor, position - PHRASE_LIMIT)
    depth = depths[position]
    breaks = [m.start() for m in _BREAK_RE.finditer(sentence, lower, position)]
    for i in reversed(breaks):
        ch = sentence[i]
        if ch == "\n" and not sentence[i + 1 : position].strip(" \t\u3000") and i > lower:
            continue  # "新签约亿元以上项目\n142个": a figure alone on its line is named by the line before
        if ch in "(（" and depths[i] >= depth:
            continue  # a closed bracket inside the phrase: "荆州区(含华中农高区)、洪湖市各18个"
        if ch in ",，" and _LINK_ONLY.fullmatch(sentence[i + 1 : position]) and i > lower:
            continue  # "协议引资额超千亿,达1322亿元": a clause of a bare 达 is named by the clause before
        subset = _SUBSET_HEAD.match(sentence) if floor == 0 else None
        if subset and i >= subset.end() - 1 and ch in ",，:：":
            return subset.start(1)  # "其中,2022年新签约项目中,新开工项目285个": the first figure is a part
        return i + 1
    start = max(lower, 0)
    while start < position and sentence[start] in "、 \u3000":
        start += 1
    return start


_AFTER_COUNT_RE = re.compile(r"[^,，;；。！？!?\s()（）、]{1,16}")


def phrase_after(sentence: str, quantity: Quantity, next_start: int) -> str:
    """The words after "N个" that name what is counted ("159个亿元以上工业项目已有…" → "亿元以上工业项目已有"),
    or "" when what follows is not such a noun phrase."""
    if quantity.unit != "个":
        return ""
    match = _AFTER_COUNT_RE.match(sentence, quantity.end, next_start)
    if not match:
        return ""
    words = match.group(0)
    return words if "项目" in words[:10] or "企业" in words[:10] else ""


# --------------------------------------------------------------------------- percentages

_PLAN_BEFORE = re.compile(
    r"(?:(?:完成|达到|占|为)了?(?:全年|年度|年|年初预期|年初|今年)?(?:预期)?(?:省|市|上级)?(?:下达)?"
    r"(?:目标计划|目标任务|计划任务|计划|目标|任务)(?:[（(][^（()）]{0,12}[）)])?的?|完成率(?:为|达|达到)?"
    # "年度目标完成57.3%", "年度目标任务完成进度为57.3%"
    r"|(?:全年|年度)(?:目标任务|目标|任务|计划)完成(?:进度|率)?(?:为|达|达到)?)$"
)
# "完成目标任务20亿元的56.3%", "完成市考核目标45个的88.9%": the target is named with its value between the
# plan words and the share; the share is of the figure before the target, not of the target
_PLAN_TARGET_NAMED = re.compile(
    r"(?:完成|达到|占)了?[^,，;；。\d%]{0,10}(?:目标|任务|计划)(?:任务)?(?:数)?(?:为|是)?\s*\d+(?:\.\d+)?\s*"
    r"(?:亿元|万元|亿美元|万美元|个|项|家)$"
)
_PLAN_BARE = re.compile(r"^(?:已|共|累计)?完成(?:了|率)?$")  # "…267.1亿元,完成100.8%": the share of its plan
_GROWTH_BEFORE = re.compile(
    r"(?P<dir>增长|增幅|增速|增加|上升|下降|下滑|回落|减少)(?:了|为|达|达到)?(?P<sign>[-−－])?$"
)
_SHARE_BEFORE = re.compile(r"占比(?:达|为)?$|占[^,，。;；]{1,12}的$|比重(?:达|为)?$")
_BASE_YEAR_RE = re.compile(r"较(?P<y>20\d{2})年(?:同期)?(?:相比)?(?:同比)?(?:分别)?$")
_LIST_JOIN = re.compile(r"^\s*[、和及与,，]\s*$")


@dataclass
class PercentGroup:
    """Consecutive percentages read together: ``kind`` plan, growth, share or other; ``respective`` for 分别."""

    kind: str
    values: list[float]
    start: int  # of the phrase before the first percentage, in the sentence
    end: int  # of the last percentage
    first: int  # of the first percentage
    respective: bool
    phrase: str
    negative: bool = False
    signed: bool = False
    base_year: int | None = None


def percent_groups(sentence: str, percents: list[Quantity], floors: list[int]) -> list[PercentGroup]:
    """Group the sentence's percentages ("77%、66.8%" is one list) and read what each group is.

    ``floors[i]`` is where the phrase of percentage i may start (the end of the figure before it)."""
    groups: list[PercentGroup] = []
    named_until, named_first = -1, 0  # the end and anchor of a plan share placed before its named target
    i = 0
    while i < len(percents):
        first = percents[i]
        j = i
        while j + 1 < len(percents) and _LIST_JOIN.match(sentence[percents[j].end : percents[j + 1].start]):
            j += 1
        lead_start = max(floors[i], first.start - 24)
        lead = sentence[lead_start : first.start]
        cut = max(lead.rfind(c) for c in ",，;；") + 1
        lead_phrase = lead[cut:]
        normalised = lead_phrase.replace("完结", "完成").replace("分别", "").rstrip(" \t\u3000\n")
        kind, negative, signed, base_year = "other", False, False, None
        first_at = first.start
        growth = _GROWTH_BEFORE.search(normalised)
        target_named = (
            _PLAN_TARGET_NAMED.search(sentence, max(0, floors[i] - 40), floors[i])
            if floors[i] and not normalised.strip(" 的")
            else None
        )
        if target_named:
            kind = "plan"  # the group is placed before the target, so the target is not what it is a share of
            lead_start, cut, first_at = target_named.start(), 0, target_named.start()
        elif (_PLAN_BEFORE.search(normalised) or _PLAN_BARE.match(normalised)) and "开门红" not in lead_phrase:
            kind = "plan"
        elif growth:
            kind = "growth"
            negative = growth.group("dir") in ("下降", "下滑", "回落", "减少")
            signed = bool(growth.group("sign"))
            base = _BASE_YEAR_RE.search(normalised[: growth.start()])
            base_year = int(base.group("y")) if base else None
        elif _SHARE_BEFORE.search(normalised):
            kind = "share"
        if target_named:
            named_until, named_first = first.start, first_at
        elif (
            kind == "growth"
            and named_until >= 0
            and not sentence[named_until : lead_start + cut].strip("%0123456789. ,，")
        ):
            first_at = named_first  # "…800亿元的70.1%,同比增长9.6%": the growth is of the same figure as the share
        groups.append(
            PercentGroup(
                kind=kind,
                values=[p.value for p in percents[i : j + 1]],
                start=lead_start + cut,
                end=percents[j].end,
                first=first_at,
                respective="分别" in lead_phrase or "分别" in sentence[max(0, lead_start + cut - 3) : lead_start + cut],
                phrase=lead_phrase,
                negative=negative,
                signed=signed,
                base_year=base_year,
            )
        )
        i = j + 1
    return groups


# A figure's phrase left without its number (a mirror stripped the digits).
STRIPPED_RE = re.compile(
    r"(?:完成|完结|占|达到)(?:全年|年度|年)(?:目标计划|计划|目标|任务)的?%|(?:同比)?(?:增长|增幅|增速|下降|下滑)%|亿元以上(?:工业)?项目个(?!数)"
    r"|(?:到位资金|到位|引资额|总金额|总投资|总出资)(?:为|达)?亿元"
    r"|(?<=[\u4e00-\u9fff])(?:县|区|市)各?个(?=[,，、。;；)）])"  # "公安县、监利县各个,石首市个,"
)
HAS_NUMBER_RE = re.compile(
    rf"\d|(?<![零〇一二两三四五六七八九十百千])[零〇一二两三四五六七八九十百千]+(?:个|亿|条|次|人|天)|百分之|{PCT}"
)

__all__ = ["number_value"]
