"""Dates: when a bulletin was published, which year it is about, and the period each figure covers.

A figure covers January..M of a year ("1-7月", "元至7月", "前两个月", "一季度", "上半年", "前三季度",
"截至7月底", "截至7月31日", "全年"), or one month or quarter ("7月份", "7月当月", "二季度": not a
January..M total), or a day ("截至8月15日": part of a month). Publication dates come from labels
(发布时间, 时间:) and datelines ("2023-03-31 09:06 来源:…"), never from a mirror's repost, update or
crawl date (转载, 更新, 今天是…).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .numerals import number_value

_M = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"  # a month number, in digits or Chinese
_DASH = r"\s*[-—–~～－至到]\s*"

# Period expressions → months covered (January..M); a group holds M where it varies.
_CUMULATIVE: list[tuple[re.Pattern, int | None]] = [
    (re.compile(r"前三个?季度|一至三季度|1\s*[-—–~至到]\s*3季度"), 9),
    (re.compile(r"(?<![二三四])(?:第一季度|一季度)(?!末)"), 3),
    (re.compile(r"上半年"), 6),
    (re.compile(r"截[止至]到?\s*(?:今年)?第?一季度末?"), 3),  # "截至三季度末": January..the quarter's end
    (re.compile(r"截[止至]到?\s*(?:今年)?第?二季度末?"), 6),
    (re.compile(r"截[止至]到?\s*(?:今年)?第?三季度末?"), 9),
    (re.compile(r"全年(?!计划|目标|任务|有效工作日|预期|的)"), 12),
    (re.compile(rf"(?<!\d)1月?{_DASH}{_M}\s*月"), None),
    (re.compile(rf"元月?{_DASH}{_M}\s*月"), None),
    (re.compile(rf"(?<![\d一二三四五六七八九十])一月?{_DASH}{_M}\s*月"), None),
    (re.compile(rf"(?<![提之以])前\s*{_M}\s*个?月"), None),
    (re.compile(rf"截[止至]到?\s*(?:20\d{{2}}年|今年|本年)?\s*{_M}\s*月份?(?:底|末)"), None),
]
_SINGLE = re.compile(
    r"当月|单月|本月|元月份?(?![至到\-—–~])|(?<![-—–~～至到\d前])\d{1,2}月份|(?<![前一至到、\-])第?[二三四]季度"
    r"|(?<![-—–~～至到\d前截止])(?<!截至)\d{1,2}月(?![\d份底末日号初中下上当]|[-—–~～至到]|以来)"
)
_DAY_DATE_RE = re.compile(r"截[止至]到?\s*(?:(?P<y>20\d{2})年|今年|本年)?\s*(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_MONTH_END_POINT = re.compile(r"(?<![\d至到\-—–~])(?P<m>\d{1,2})月(?:底|末)")
YEAR_RE = re.compile(r"(?<!\d)(20\d{2})年")


def _month_number(token: str) -> int:
    """A month as the patterns above catch it: 7, 十一, 两 or 元 (元月 is January)."""
    return 1 if token == "元" else int(number_value(token))


def document_period(text: str, year: int | None = None) -> int | None:
    """The months the bulletin's own figures cover: its first January..M period, not another year's 全年
    ("去年全年…"), with a month's last day ("截至9月30日") counting as that month's end.

    >>> document_period("截至9月30日，今年全市…95个。去年全年，全市…112个。"), document_period("去年全年…112个。1-9月…95个。")
    (9, 9)
    """
    mention = document_period_mention(text, year)
    return mention.months if mention is not None else None


def document_period_mention(text: str, year: int | None = None) -> PeriodMention | None:
    """The period expression :func:`document_period` reads (its text and place)."""
    for mention in period_mentions(text[:50_000], year):
        if mention.kind != "cumulative":
            continue
        if mention.months == 12 and re.search(
            r"(?:去年|上年|前年|(?<!\d)\d{4}年)(?:全年)?$", text[max(0, mention.start - 6) : mention.start]
        ):
            if not re.search(r"\d{4}年$", text[max(0, mention.start - 5) : mention.start]) or year is None:
                continue
        if _of_an_earlier_year(text, mention.start, year):
            continue
        return mention
    return None


def _of_an_earlier_year(text: str, position: int, year: int | None) -> bool:
    """True when the paragraph before ``position`` opens with an earlier year as its topic ("2014年，我区…。
    全年共引进企业30余家"): a period there is that year's, not the bulletin's."""
    if year is None:
        return False
    line_start = text.rfind("\n", 0, position) + 1
    opening = re.match(r"\s*(?:(?P<y>20\d{2})年(?:度)?|(?P<rel>去年|上年))[,，]", text[line_start:position])
    if opening is None:
        return False
    return opening.group("rel") is not None or int(opening.group("y")) < year


def find_period(text: str) -> tuple[int, re.Match] | None:
    """The first January..M period expression in ``text``: (M, match), or None.

    >>> [find_period(t)[0] for t in ("1-7月", "元至7月", "前两个月", "一季度", "上半年", "前三季度", "1~11月", "截至7月底")]
    [7, 7, 2, 3, 6, 9, 11, 7]
    >>> find_period("7月份,全市…") is None
    True
    """
    best = None
    for pattern, fixed in _CUMULATIVE:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[1].start()):
            months = fixed if fixed is not None else _month_number(match.group(1))
            if months and 1 <= months <= 12:
                best = (months, match)
    return best


@dataclass(frozen=True)
class PeriodMention:
    """A period named in a sentence: ``kind`` is cumulative (January..months), single (one month or quarter),
    day (part of a month) or point (a month's end, e.g. 6月底)."""

    start: int
    end: int
    kind: str
    months: int | None
    text: str


def period_mentions(sentence: str, year: int | None = None) -> list[PeriodMention]:
    """Every period named in ``sentence``, in order (overlaps resolved in favour of the cumulative reading).

    >>> [(m.kind, m.months) for m in period_mentions("1-7月,全市…174个,其中7月当月…20个;截至8月15日…")]
    [('cumulative', 7), ('single', None), ('day', None)]
    """
    mentions: list[PeriodMention] = []
    if "月" not in sentence and "季" not in sentence and "年" not in sentence:
        return mentions  # every period names a month, a quarter or the year
    for pattern, fixed in _CUMULATIVE:
        for match in pattern.finditer(sentence):
            months = fixed if fixed is not None else _month_number(match.group(1))
            if months and 1 <= months <= 12:
                mentions.append(PeriodMention(match.start(), match.end(), "cumulative", months, match.group(0)))
    for match in _DAY_DATE_RE.finditer(sentence):
        month_end = month_ended(match, year)
        kind, months = ("cumulative", month_end) if month_end else ("day", None)
        mentions.append(PeriodMention(match.start(), match.end(), kind, months, match.group(0)))
    for match in _MONTH_END_POINT.finditer(sentence):
        month = int(match.group("m"))
        if 1 <= month <= 12:
            mentions.append(PeriodMention(match.start(), match.end(), "point", month, match.group(0)))
    for match in _SINGLE.finditer(sentence):
        mentions.append(PeriodMention(match.start(), match.end(), "single", None, match.group(0)))
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[PeriodMention] = []
    for mention in mentions:  # the first (longest) reading of a stretch wins: "1-7月份" is not "7月份"
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def month_ended(day_date: re.Match, year: int | None) -> int | None:
    """The month of a "截至M月D日" match when D is that month's last day, else None (2月28日 with no year: None)."""
    month, day = int(day_date.group("m")), int(day_date.group("d"))
    if day_date.groupdict().get("y"):
        year = int(day_date.group("y"))
    if not 1 <= month <= 12:
        return None
    if year is None and month == 2 and day == 28:
        return None
    return month if day == calendar.monthrange(year or 2000, month)[1] else None


def month_end_date(text: str, year: int | None) -> int | None:
    """M when the first "截至M月D日" of ``text`` is the last day of month M (a January..M figure), else None.

    >>> month_end_date("截至7月31日，全市新引进亿元以上项目174个", 2015), month_end_date("截至7月20日，…", 2015)
    (7, None)
    """
    day_date = _DAY_DATE_RE.search(text)
    return month_ended(day_date, year) if day_date else None


def first_day_date(text: str) -> re.Match | None:
    """The first "截至M月D日" in ``text``."""
    return _DAY_DATE_RE.search(text)


# --------------------------------------------------------------------------- publication date

# 2015-09-02, 2015.9.2, 2015/09/02 (one separator throughout) or 2015年9月2日 — never "2015年1-7月"
_DATE = (
    r"(?P<y>\d{4})(?:(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<mc>\d{1,2})\s*月\s*(?P<dc>\d{1,2})\s*日)"
)
_LABELLED_RE = re.compile(
    r"(?P<label>发布(?:时间|日期)|发表(?:时间|日期)|发稿(?:时间|日期)|成文日期|印发日期|时间|日期|发表于)\s*[:：]?\s*"
    r"(?:(?<=发表于)\s*[\u4e00-\u9fff]{2,12}\s+)?" + _DATE
)
# a date anywhere on one of a page's first or last lines: "原创 泰州发布 2022-10-21 19:30", "2019/11/08 来源：…"
_ANY_DATE_RE = re.compile(_DATE + r"(?!\d)")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－．／：", "0123456789-./:")
# A dateline: a date and a clock time, or a date followed by 来源 (the original paper), at a line's start.
_DATELINE_RE = re.compile(
    r"(?m)^[ \t\u3000]*" + _DATE + r"(?:[ \t\u3000]+\d{1,2}:\d{2}(?::\d{2})?(?P<rest>[^\n]{0,40})|[ \t\u3000]+(?=来源))"
)
# "来源：鄂州日报 | 2022-06-15 08:30 | 责任编辑": a news site's article line, a date with its clock time
_SOURCE_LINE_DATE_RE = re.compile(r"(?m)^[^\n]{0,40}来源[:：][^\n]{0,40}?[|｜/]\s*" + _DATE + r"\s+\d{1,2}:\d{2}")
_DMY_RE = re.compile(r"(?m)^[ \t\u3000]*(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)")
# A mirror's own date (转载/转发/采集/编辑/更新 …) or a crawl date (今天是) is not when the bulletin was published.
_REPOST_RE = re.compile(r"转载|转发|采集|编辑|更新|修改|抓取|收录|镜像|今天是|当前时间|访问")


_CN_DATE_RE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}


def _chinese_dates(text: str) -> str:
    """ "二〇一八年六月十二日" written with digits, so the date readers below see it.

    >>> _chinese_dates("二〇一八年六月十二日印发")
    '2018年6月12日印发'
    """
    from .numerals import number_value

    def digits(match: re.Match) -> str:
        year = "".join(_CN_DIGIT[c] for c in match.group(1))
        return f"{year}年{int(number_value(match.group(2)))}月{int(number_value(match.group(3)))}日"

    return _CN_DATE_RE.sub(digits, text)


def _date(match: re.Match) -> dt.date | None:
    groups = match.groupdict()
    try:
        return dt.date(int(groups["y"]), int(groups.get("m") or groups["mc"]), int(groups.get("d") or groups["dc"]))
    except (ValueError, TypeError, KeyError):
        return None


def publication_date(raw: str) -> dt.date | None:
    """The bulletin's publication date, not a mirror's repost, update or crawl date; None when absent.

    Read in this order: a 发布时间/发布日期/时间 label (unless 转载/更新/… stands right before it; a bare 日期 or
    时间 only on a line that is not a 来源 line: "来源:某某网 日期:2019-03-01" is the mirror's date), then a
    dateline ("2023-03-31 09:06 来源: 咸宁日报", "2015年03月21日 14:35"), then a day-first date
    ("21.03.2015") on a line of its own.

    >>> publication_date("文章来源: 荆州市招商促进中心发布时间:2015-09-02")
    datetime.date(2015, 9, 2)
    >>> publication_date("转载日期:2019-05-01") is None, publication_date("今天是:2025年07月07日") is None
    (True, True)
    >>> publication_date("来源:某某资讯网 日期:2019-03-01") is None
    True
    >>> publication_date("logo\\n2023-03-31 09:06 来源: 咸宁日报\\n…"), publication_date("时间:2019-03-05")
    (datetime.date(2023, 3, 31), datetime.date(2019, 3, 5))
    """
    # the date is at the top of a page (or in its signature); a bounded read keeps this linear
    head = _chinese_dates(raw[:20_000].translate(_FULLWIDTH))
    for match in _LABELLED_RE.finditer(head):
        line_start = head.rfind("\n", 0, match.start()) + 1
        label = match.group("label")
        if label in ("日期", "时间"):
            if (
                _REPOST_RE.search(head, max(line_start, match.start() - 6), match.start() + 2)
                or "来源" in head[line_start : match.start()]
            ):
                continue
        elif _REPOST_RE.search(head, max(line_start, match.start() - 4), match.start()):
            continue
        date = _date(match)
        if date:
            return date
    for pattern in (_DATELINE_RE, _SOURCE_LINE_DATE_RE, _DMY_RE):
        for match in pattern.finditer(head):
            line_start = head.rfind("\n", 0, match.start()) + 1
            if _REPOST_RE.search(head, line_start, match.start("y")):  # "编辑：…" after the date is the editor
                continue
            date = _date(match)
            if date:
                return date
    # a date among the first or last lines (a dateline, a WeChat header, an official document's signature),
    # unless a repost, update or crawl word, or a label read above, stands before it on its line
    lines = _chinese_dates(
        raw.translate(_FULLWIDTH) if len(raw) < 40_000 else (raw[:20_000] + "\n" + raw[-20_000:]).translate(_FULLWIDTH)
    ).split("\n")
    edge = "\n".join(lines[:8]) + "\n" + "\n".join(lines[-6:])
    for match in _ANY_DATE_RE.finditer(edge):
        line_start = edge.rfind("\n", 0, match.start()) + 1
        before = edge[line_start : match.start()]
        if _REPOST_RE.search(before) or re.search(r"(?:日期|时间)[:：]?\s*$", before):
            continue
        date = _date(match)
        if date:
            return date
    return None


_YEAR_AS_PERIOD_RE = re.compile(
    r"(?:^|[。\n])[^\S\n]*(?P<y>20\d{2})年(?:度)?[,，]\s*(?:全市|全州|全区|全县|我市|我州|全年)"
)


# "去年，全市签约项目374个", "据介绍，去年全年全市新签约…", "2022年，济宁经开区全力…": a review of a whole year
_REVIEW_RE = re.compile(
    r"(?:^|[。\n])\s*(?:[^。\n,，\d]{0,6}[,，])?\s*(?:(?P<y>20\d{2})年(?:度)?|(?P<rel>去年|上年))(?:全年)?[,，]?\s*"
    r"(?P<who>全市|全州|全区|全县|我市|我州|我区|我县|全年|[\u4e00-\u9fff]{2,8}?(?:经开区|高新区|开发区|市|县|区|州|旗)(?![\u4e00-\u9fff]{0,2}年))"
)


@dataclass(frozen=True)
class Review:
    """A bulletin that reviews a whole year: the year (None when only 去年 says it and no date fixes it), the
    words that say so, and whether 去年 names it (then the text was written the year after)."""

    year: int | None
    text: str
    last_year: bool


def full_year_review(text: str, published: dt.date | None) -> Review | None:
    """The whole year a review is about when no January..M period is written: "2021年，全市新签约…" published
    the year after (or with no date), "去年，全市…" (the year before the publication, None without a date).

    >>> full_year_review("去年，全市签约项目374个", dt.date(2024, 2, 1)).year, full_year_review("去年，全市签约项目374个", None)
    (2023, Review(year=None, text='去年，全市', last_year=True))
    >>> full_year_review("2022年，济宁经开区全力培育高端装备制造产业", None).year
    2022
    """
    for match in _REVIEW_RE.finditer(text[:20_000]):
        words = match.group(0).lstrip("。\n ")
        if match.group("rel"):
            return Review(published.year - 1 if published is not None else None, words, True)
        year = int(match.group("y"))
        if published is None or published.year > year:
            return Review(year, words, False)
    return None


def whole_year(text: str, published: dt.date | None) -> int | None:
    """The year a full-year review is about when no period is written: "2021年，全市新签约…" in a text published
    in 2022 (or with no date) covers all of 2021.

    >>> whole_year("2021年，全市新签约亿元以上项目296个", dt.date(2022, 1, 20)), whole_year("2021年，全市…", dt.date(2021, 7, 1))
    (2021, None)
    """
    match = _YEAR_AS_PERIOD_RE.search(text[:20_000])
    if match is None:
        return None
    year = int(match.group("y"))
    return year if published is None or published.year > year else None


def document_year(text: str, published: dt.date | None) -> int | None:
    """The year a bulletin is about: a year written at its first period ("2015年1-7月"), else 今年 = the
    publication year, else a single year written before that period (a title "2015年招商引资通报"), else
    None (never a guess from a repost date). :func:`decide_year` says why.

    Only the first period dates the bulletin: "2014年全年…" further down a 2015 bulletin is a comparison.

    >>> document_year("2016年1-3月全市…", None), document_year("今年1-7月全市…", dt.date(2015, 9, 2))
    (2016, 2015)
    >>> document_year("1-7月全市…174个。2014年全年,全市…250个。", None) is None
    True
    """
    return decide_year(text, published)[0]


def decide_year(text: str, published: dt.date | None) -> tuple[int | None, str]:
    """:func:`document_year` and the evidence for it, in words."""
    first = find_period(text)
    whole = _YEAR_AS_PERIOD_RE.search(text[:20_000])
    if whole and published and published.year > int(whole["y"]) and (first is None or first[0] == 12):
        # "2021年，全市…" before "2020年全年…" in a text of whole years only: 2021's review
        partial = any(m.kind == "cumulative" and m.months != 12 for m in period_mentions(text[:20_000]))
        if not partial and (first is None or whole.start() < first[1].start()):
            return int(whole["y"]), f"a whole year reviewed: “{whole.group(0).strip()}…”"
    if first is not None:
        match = first[1]
        near = YEAR_RE.search(text[max(0, match.start() - 8) : match.start() + 1])
        if near:
            return int(near.group(1)), f"the first period “{near.group(0)}…{match.group(0)}” names it"
    if published is not None:
        if first is not None and first[0] == 12 and published.month <= 3 and f"{published.year - 1}年" in text[:3000]:
            # "全年全市新签约…" in a review of 2019 published in January 2020
            return published.year - 1, f"a full year reviewed, published {published.isoformat()}: the year before"
        return published.year, f"今年: the publication date {published.isoformat()}"
    head = text[: first[1].start()] if first is not None else text[:2000]
    years = {int(y) for y in YEAR_RE.findall(head)}
    if len(years) == 1 and not re.search(r"今年|去年|上年", text[:20_000]):
        year = years.pop()
        return year, f"the only year written before the first period: {year}年"
    return None, ""


# The year a clause is about: "2014年…", "去年…", "今年…"; "2014年同期"/"去年同期" = the same months of that
# year. Comparisons ("比去年同期增加8个", "较2014年…") name a base, not the subject, and are skipped.
YEAR_MARK_RE = re.compile(r"(?<![比较与])(?:(?P<y>20\d{2})年|(?P<rel>去年|上年|今年|本年))(?P<same>同期)?")


# --------------------------------------------------------------------------- the year from every clue

_YEAR_MENTION_RE = re.compile(
    r"(?<![\d比较与同])(?P<y>20\d{2})"
    r"(?:年(?:度)?(?!同期)|(?=[“\"《]?[\u4e00-\u9fff·]{2,16}?(?:大会|博览会|洽谈会|峰会|论坛|交易会|招商会)))"
)
_TOPIC_BEFORE_RE = re.compile(r"(?:^|[。！？；;\n])\s*$")
_PERIOD_AFTER_RE = re.compile(
    r"\s*(?:1\s*[-—–~～至到]\s*\d{1,2}\s*月|前[一二两三四五六七八九十\d]{1,2}个?月|上半年|一季度|第一季度|前三季度)"
)


@dataclass(frozen=True)
class YearClue:
    """A year the text writes, how much it says about the bulletin's year, and where."""

    year: int
    weight: float
    why: str
    start: int


def year_clues(text: str) -> list[YearClue]:
    """Every year the text writes that may be the bulletin's own (not a comparison base: 比2014年, 2014年同期):
    each counts 1; one that opens a sentence ("2023年，西夏区…") or stands at a part of the year ("2021年前4个月")
    counts more; one in the opening lines (a headline's event, "2025粤港澳大湾区全球招商大会") 1 more.

    >>> [(c.year, c.weight) for c in year_clues("2022年，全区…。比2021年同期增长5%。2023年1-4月，…")]
    [(2022, 3.0), (2023, 4.0)]
    """
    clues = []
    for match in _YEAR_MENTION_RE.finditer(text[:20_000]):
        year, weight, why = int(match.group("y")), 1.0, "named"
        if _TOPIC_BEFORE_RE.search(text, max(0, match.start() - 3), match.start()) and re.match(
            r"[,，]", text[match.end() : match.end() + 1]
        ):
            weight, why = 2.0, "opens a sentence"
        elif _PERIOD_AFTER_RE.match(text, match.end()):
            weight, why = 3.0, "stands at a part of the year"
        if match.start() < 200:
            weight += 1.0
            why += ", in the opening lines"
        clues.append(YearClue(year, weight, f"“{text[match.start() : match.end() + 8].strip()}…” {why}", match.start()))
    return clues


def _year_weights(clues: list[YearClue]) -> dict[int, float]:
    """Each written year's total weight over its clues."""
    totals: dict[int, float] = {}
    for clue in clues:
        totals[clue.year] = totals.get(clue.year, 0.0) + clue.weight
    return totals


def year_clue_confidence(text: str, year: int) -> float:
    """How sure the written years make ``year``: 0.9 when no other year competes, down to 0.5 when another
    year weighs as much (0.5 + 0.4 × the winning margin over the winner's weight).

    >>> year_clue_confidence("2023年，全区…。2023年招商…", 2023), year_clue_confidence("2023年，全区…。2024年计划…", 2023)
    (0.9, 0.63)
    """
    totals = _year_weights(year_clues(text))
    best = totals.get(year, 0.0)
    if best <= 0:
        return 0.5
    rival = max((w for y, w in totals.items() if y != year), default=0.0)
    return round(0.5 + 0.4 * max(0.0, best - rival) / best, 2)


def year_from_clues(text: str, months: int | None) -> tuple[int | None, list[str]]:
    """The year the text's written years point to when neither a period nor a publication date fixes it: the one
    with the most weight (:func:`year_clues`); on a tie the latest for part of a year (earlier years are bases),
    the earliest for a full year (later ones are plans). None when the text writes no year."""
    clues = year_clues(text)
    if not clues:
        return None, []
    totals = _year_weights(clues)
    best = max(totals.values())
    tied = sorted(y for y, w in totals.items() if w == best)
    year = tied[0] if months == 12 else tied[-1]
    evidence = [c.why for c in clues if c.year == year][:3]
    if len(totals) > 1:
        evidence.append("other years: " + "、".join(f"{y} ({w:g})" for y, w in sorted(totals.items()) if y != year))
    return year, evidence
