"""Tables flattened to text: a header of column labels with units, one row per county.

    附表：1—8月份各县市区亿元以上项目招商情况
    县市区 | 签约项目数（个） | 协议投资额（亿元） | 新开工项目数（个）
    无为市 | 52 | 402.6 | 36
    合计 | 326 | 2846.3 | 214

Each column's label, read with the table's title (which often holds the period and the size floor), goes
through the same lexicon rules as a sentence's phrase; each row's first cell is a region (合计/全市 the city).
Cells are separated by ``|``, ``｜`` or tabs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...metrics import METRICS
from .lexicon import Lexicon, classify, read_phrase
from .numerals import number_value

_SEPARATOR = re.compile(r"(?<!\s)\s*[|｜\t]\s*")  # (?<!\s): a run of spaces is tried once, not from each
_NUMBER = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_UNIT_IN_LABEL = re.compile(r"[（(](个|亿元|万元|亿美元|万美元|%)[)）]")
_TOTAL_WORDS = ("合计", "总计", "小计", "总数")  # a total row's label; or a word for the whole city (全市, 全州, …)


# a percentage column: the plan share or the growth of the column before it ("到位资金完成年度目标(%)")
_PLAN_LABEL = re.compile(r"完成|目标|计划")
_GROWTH_LABEL = re.compile(r"增长|增幅|增速")
# "各县（市、区）合同引资额（亿元）：灵宝市 246.80 | 陕州区 198.35 | …": one line, a label with its unit, then pairs
_INLINE_RE = re.compile(r"(?P<label>[^\n：:]{2,30}?[（(](?P<unit>个|亿元)[)）])[：:]\s*(?P<pairs>[^\n]+)")
_PAIR_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fff（）()]{2,16}?)\s*(?P<value>\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)(?=\s*(?:[|｜;；，,、]|$))"
)


@dataclass
class TableCell:
    """One figure of a table: its row's region, its column's rule, the value and where it is in the text."""

    region: str
    known: bool
    city: bool
    metric: str
    rule: str
    phrase: str
    value: float
    start: int  # of the row (the quote is the row)
    end: int
    title: str
    breadth: tuple = (0, 0, 0, 0.0)
    plan_pct: float | None = None
    yoy_pct: float | None = None


_ROW_LIMIT = 1000  # characters: a table's row is short; a longer line is prose (and is not split)


def _is_row(line: str) -> bool:
    return len(line) <= _ROW_LIMIT and ("|" in line or "｜" in line or "\t" in line)


def _cells(line: str) -> list[str]:
    return [c.strip(" \u3000") for c in _SEPARATOR.split(line.strip(" \u3000|｜"))]


def find_tables(text: str, lexicon: Lexicon, matcher) -> list[TableCell]:
    """Figures of every table in ``text`` whose columns name a metric (see the module docstring)."""
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    found: list[TableCell] = []
    totals = {*_TOTAL_WORDS, *lexicon.scopes["city"]}
    i = 0
    while i < len(lines):
        if not _is_row(lines[i]) or len(_cells(lines[i])) < 3:
            i += 1
            continue
        block = [i]
        while (
            block[-1] + 1 < len(lines)
            and _is_row(lines[block[-1] + 1])
            and len(_cells(lines[block[-1] + 1])) == len(_cells(lines[i]))
        ):
            block.append(block[-1] + 1)
        i = block[-1] + 1
        if len(block) < 2:
            continue
        header = _cells(lines[block[0]])
        if any(_NUMBER.match(c.replace(" ", "")) for c in header[1:]):
            continue  # no header row: the columns' meaning is unknown, nothing is guessed
        title = next((lines[j].strip() for j in range(block[0] - 1, max(-1, block[0] - 3), -1) if lines[j].strip()), "")
        columns = []
        for label in header[1:]:
            unit = _UNIT_IN_LABEL.search(label)
            unit_name = unit.group(1) if unit else ("亿元" if re.search(r"额|资金|金额|投资", label) else "个")
            if unit_name == "%":
                kind = "growth" if _GROWTH_LABEL.search(label) else "plan" if _PLAN_LABEL.search(label) else None
                columns.append((label, kind, None, unit_name))
                continue
            features = read_phrase(f"{title}…{label}", lexicon)
            rule = classify(features, unit_name, lexicon, features.stage)
            breadth = (0, 0, 1 if features.object == "industrial" else 0, features.floor or 0.0)
            columns.append((label, rule, breadth, unit_name))
        for row_index in block[1:]:
            row = _cells(lines[row_index])
            name = re.sub(r"[（(][^）)]*[)）]", "", row[0]).strip()
            if name in totals:
                region, known, city = None, True, True
            else:
                mentions = [m for m in matcher.mentions(name) if not m.city]
                if not mentions:
                    continue
                region, known, city = mentions[0].name, mentions[0].known, False
            previous = None
            for (label, rule, breadth, unit_name), cell in zip(columns, row[1:]):
                if not _NUMBER.match(cell.replace(" ", "")):
                    previous = None
                    continue
                if breadth is None:  # a percentage column: of the figure in the column before it
                    if previous is not None and rule in ("plan", "growth"):
                        setattr(
                            previous, "plan_pct" if rule == "plan" else "yoy_pct", number_value(cell.replace(" ", ""))
                        )
                    continue
                if rule is None:
                    previous = None
                    continue
                previous = TableCell(
                    region=region or "",
                    known=known,
                    city=city,
                    metric=rule.metric,
                    rule=rule.id,
                    phrase=f"{title}…{label}",
                    value=_in_metric_unit(number_value(cell.replace(" ", "")), unit_name, rule.metric),
                    start=offsets[row_index],
                    end=offsets[row_index] + len(lines[row_index]),
                    title=title,
                    breadth=breadth,
                )
                found.append(previous)
    found.extend(_inline_lists(text, lexicon, matcher))
    return found


def _in_metric_unit(value: float, unit: str, metric_id: str) -> float:
    """A cell's value in its metric's unit (a column in 万美元 of an 亿美元 metric: × 0.0001, metrics.toml)."""
    spec = METRICS[metric_id]
    return spec.to_unit(value, unit) if unit in spec.convert else value


def _inline_lists(text: str, lexicon: Lexicon, matcher) -> list[TableCell]:
    """ "各县（市、区）合同引资额（亿元）：灵宝市 246.80 | 陕州区 198.35 | …": a labelled list of name–value pairs."""
    found: list[TableCell] = []
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if len(line) > _ROW_LIMIT * 2 or (
            "）：" not in line and "):" not in line and "）:" not in line and "):" not in line
        ):
            continue
        found.extend(_inline_list(text, line, start, lexicon, matcher))
    return found


def _inline_list(text: str, line: str, line_offset: int, lexicon: Lexicon, matcher) -> list[TableCell]:
    found: list[TableCell] = []
    for match in _INLINE_RE.finditer(line):
        pairs = list(_PAIR_RE.finditer(match.group("pairs")))
        if len(pairs) < 2:
            continue
        label, unit = match.group("label").strip(), match.group("unit")
        features = read_phrase(label, lexicon)
        rule = classify(features, unit, lexicon, features.stage)
        if rule is None:
            continue
        for pair in pairs:
            mentions = [m for m in matcher.mentions(pair.group("name").strip()) if not m.city]
            if not mentions:
                continue
            start = line_offset + match.start("pairs") + pair.start()
            found.append(
                TableCell(
                    region=mentions[0].name,
                    known=mentions[0].known,
                    city=False,
                    metric=rule.metric,
                    rule=rule.id,
                    phrase=label,
                    value=number_value(pair.group("value")),
                    start=start,
                    end=line_offset + match.start("pairs") + pair.end(),
                    title=line[: match.start("pairs")],
                    breadth=(0, 0, 0, features.floor or 0.0),
                )
            )
    return found
