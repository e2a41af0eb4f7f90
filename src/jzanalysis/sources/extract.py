"""Extracting tidy facts from a cleaned bulletin, each with its exact quote and offsets.

Bulletins are formulaic: a period (1-7月, 元至7月, 上半年, 截止7月底 …), a scope (全市, a county list,
市直驻点招商单位), a figure with its unit, then progress (完成全年计划的X%) and growth (增长X%).
Rules below match those phrasings; a figure that cannot be tied to a number (digits stripped by a
mirror) gives a warning, never a guess.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from .. import settings
from ..counties import resolve
from ..metrics import METRICS

NUM = r"\d+(?:\.\d+)?"
CN_NUMERAL = r"[零〇一二两三四五六七八九十百千万]+"
INT = rf"(?:\d+|{CN_NUMERAL})"  # counts: 174 or 一百七十四
CN_DECIMAL = rf"{CN_NUMERAL}(?:点[零〇一二三四五六七八九]+)?"  # 七百九十八, 六十一点四
# 亿元 amounts: 798, 1,680 (thousands separators: only groups of three right before the unit) or 七百九十八
AMOUNT = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?=亿)|{NUM}|{CN_DECIMAL})"
# 71.6%, 百分之七十一点六, or tenths: 七成 = 70%, 七成五 = 75%
PCT = rf"(?:{NUM}%|百分之(?:{NUM}|{CN_DECIMAL})|[一二三四五六七八九]成[一二三四五六七八九]?)"
_CN_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def number_value(token: str) -> float:
    """The value of a number as written: "174", "71.6", "一百七十四", "十二", "一七四" (digit by digit).

    >>> [number_value(t) for t in ("174", "71.6", "一百七十四", "十二", "两千零五", "一七四", "三万二千")]
    [174.0, 71.6, 174.0, 12.0, 2005.0, 174.0, 32000.0]
    >>> [number_value(t) for t in ("七百九十八", "六十一点四", "百分之六十一点四", "71.6%", "1,680", "七成", "七成五")]
    [798.0, 61.4, 61.4, 71.6, 1680.0, 70.0, 75.0]
    """
    token = token.removeprefix("百分之").removesuffix("%")
    if "成" in token:  # 七成五: tenths and hundredths, as a percentage
        tenths, _, hundredths = token.partition("成")
        return float(_CN_DIGIT_VALUES[tenths] * 10 + (_CN_DIGIT_VALUES[hundredths] if hundredths else 0))
    if token[0].isdigit():
        return float(token.replace(",", ""))  # 1,680 → 1680
    if "点" in token:  # 六十一点四: the integer part, then the decimals digit by digit
        whole, decimals = token.split("点", 1)
        return number_value(whole) + float("0." + "".join(str(_CN_DIGIT_VALUES[ch]) for ch in decimals))
    if not any(ch in _CN_UNITS or ch == "万" for ch in token):
        return float("".join(str(_CN_DIGIT_VALUES[ch]) for ch in token))
    total = section = digit = 0
    for ch in token:
        if ch in _CN_DIGIT_VALUES:
            digit = _CN_DIGIT_VALUES[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:  # 万
            total += (section + digit) * 10_000
            section = digit = 0
    return float(total + section + digit)


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}

# Period expressions → months covered (January..M).
_PERIODS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"前三季度"), 9),
    (re.compile(r"(?:一季度|第一季度)"), 3),
    (re.compile(r"上半年"), 6),
    (re.compile(r"全年(?!计划|目标|任务|有效工作日)"), 12),
    (re.compile(r"(?<!\d)1\s*[-—–~－至到]\s*(\d{1,2})\s*月"), 1),
    (re.compile(r"1月\s*[-—–~至到]\s*(\d{1,2})\s*月"), 1),
    (re.compile(r"元\s*[-—–~至到]\s*(\d{1,2})\s*月"), 1),
    (re.compile(r"(?<![\d一二三四五六七八九十])[一元]月?\s*[-—–~至到]\s*(十[一二]?|[二三四五六七八九])\s*月"), 1),  # 一至七月
    (re.compile(r"前\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*个?月"), 1),
    (re.compile(r"截[止至]\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:底|末)"), 1),
]


def find_period(text: str) -> tuple[int, re.Match] | None:
    """The first period expression in ``text``: (months, match), or None."""
    best = None
    for pattern, value in _PERIODS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[1].start()):
            months = value if value != 1 or not match.groups() else _month_number(match.group(1))
            if months and 1 <= months <= 12:
                best = (months, match)
    return best


def _month_number(token: str) -> int | None:
    return int(token) if token.isdigit() else _CN_DIGITS.get(token)


_PUBLISHED_RE = re.compile(
    r"(?P<label>发布(?:时间|日期)|发表(?:时间|日期)|成文日期|印发日期|日期)\s*[:：]\s*(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})"
)
# A mirror's own date (转载/转发/采集/编辑/更新 …) is not when the bulletin was published.
_REPOST_RE = re.compile(r"转载|转发|采集|编辑|更新|抓取|收录|镜像")


def publication_date(raw: str) -> dt.date | None:
    """The bulletin's publication date, not a mirror's repost or edit date; None when absent.

    A 发布时间/发布日期 label counts unless 转载/转发… stands right before it; a bare 日期 counts only on a
    line that is not a 来源/转载 line ("来源:某某网 日期:2019-03-01" is the mirror's date).

    >>> publication_date("文章来源: 荆州市招商促进中心发布时间:2015-09-02")
    datetime.date(2015, 9, 2)
    >>> publication_date("转载日期:2019-05-01") is None
    True
    >>> publication_date("来源:某某资讯网 日期:2019-03-01") is None
    True
    """
    for match in _PUBLISHED_RE.finditer(raw):
        line_start = raw.rfind("\n", 0, match.start()) + 1
        if match.group("label") == "日期":
            if _REPOST_RE.search(raw, line_start, match.start() + 2) or "来源" in raw[line_start:match.start()]:
                continue
        elif _REPOST_RE.search(raw, max(line_start, match.start() - 4), match.start()):
            continue
        try:
            return dt.date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            continue
    return None


@dataclass
class Fact:
    """One figure found in the cleaned text; ``start``/``end`` delimit its quote."""

    year: int | None
    months: int
    region: str
    metric: str
    value: float
    start: int
    end: int
    plan_pct: float | None = None
    yoy_pct: float | None = None
    qualifier: str | None = None
    note: str | None = None
    skip: str | None = None  # why the figure is not kept (two counties in its clause, a single month …)

    def key(self) -> tuple:
        return (self.year, self.months, self.region, self.metric)


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)


_QUAL = r"(?P<q>近|约|逾|愈|超过|超|达)?"
_QUALIFIERS = {"近": "approx", "约": "approx", "逾": "more_than", "愈": "more_than", "超过": "more_than", "超": "more_than"}
_INVEST = r"(?:投资|出资)"  # content farms spin 投资 as 出资; the figure is the same
_DONE = r"(?:完成|完结)"  # …and 完成 as 完结

# (metric, pattern, scope) — scope: None = any, "resident" = only in 市直驻点 sentences.
# Order matters: the specific phrase (10亿元以上项目) is consumed before the general one (亿元以上项目).
_RULES: list[tuple[str, re.Pattern, str | None]] = [
    ("industrial_start_rate", re.compile(rf"亿元以上工业项目开工率(?:为|达|是)?{_QUAL}(?P<v>{PCT})"), None),
    ("projects_10b", re.compile(rf"(?:过百亿元?|百亿元以上)(?:的)?项目{_QUAL}(?P<v>{INT})个"), None),
    ("projects_1b", re.compile(rf"(?<![\d.])(?:10|十)亿元以上(?:的)?项目{_QUAL}(?P<v>{INT})个"), None),
    ("projects_1b", re.compile(rf"(?<!第)(?P<v>{INT})个(?:10|十)亿元以上(?:的)?项目"), None),
    ("industrial_projects_100m", re.compile(rf"(?<![\d.十百])亿元以上工业项目{_QUAL}(?P<v>{INT})个"), None),
    ("industrial_projects_100m", re.compile(rf"(?<!第)(?P<v>{INT})个亿元以上工业项目"), None),
    ("projects_100m", re.compile(rf"(?<![\d.十百])亿元以上(?:的)?项目{_QUAL}(?P<v>{INT})个(?!数)"), None),
    ("projects_100m", re.compile(rf"(?<!第)(?P<v>{INT})个亿元以上(?:的)?项目"), None),
    ("funds_in_place", re.compile(rf"实际到位(?:资金|外资|内资)?(?:为|达)?{_QUAL}(?P<v>{AMOUNT})亿元"), None),
    ("contract_investment", re.compile(
        rf"(?:合同引资额|协议引资额|签约总金额|合同{_INVEST}额|协议{_INVEST}额|引进项目总{_INVEST}|合同总金额|(?:合同|协议){_INVEST}总额)"
        rf"(?:为|达|是)?{_QUAL}(?P<v>{AMOUNT})亿元"), None),
    ("resident_investment", re.compile(rf"总{_INVEST}{_QUAL}(?P<v>{AMOUNT})亿元"), "resident"),
    # "全市新引进亿元以上项目174个,总投资1200亿元" = 引进项目总投资 (kept only after a project count, below)
    ("contract_investment", re.compile(rf"总{_INVEST}(?:额)?(?:为|达)?{_QUAL}(?P<v>{AMOUNT})亿元"), "city"),
    ("resident_projects", re.compile(rf"引进项目{_QUAL}(?P<v>{INT})个"), "resident"),
    ("projects_started", re.compile(rf"已开工{_QUAL}(?P<v>{INT})个"), None),
    ("projects_in_production", re.compile(rf"已投产{_QUAL}(?P<v>{INT})个"), None),
    ("projects_started", re.compile(rf"已有{_QUAL}(?P<v>{INT})个项目开工"), None),
    ("leader_leads", re.compile(rf"领导提供(?:项目)?信息{_QUAL}(?P<v>{INT})条"), None),
    ("leader_trips", re.compile(rf"外出{_QUAL}(?P<v>{INT})次"), None),
    ("leader_negotiations", re.compile(rf"洽谈项目{_QUAL}(?P<v>{INT})个"), None),
    ("resident_staff", re.compile(rf"驻点人数{_QUAL}(?P<v>{INT})人"), None),
]
_RESIDENT_VARIANTS = {
    "projects_100m": "resident_projects",
    "industrial_projects_100m": "resident_industrial_projects_100m",
    "projects_1b": "resident_projects_1b",
    "projects_started": "resident_projects_started",
    "projects_in_production": "resident_projects_in_production",
}
# 完成全年计划的X%, 完成年度目标的X%, 完成全年目标(计划)的X%. 开门红目标 (a Q1 target) does not match: no plan_pct.
_PLAN_RE = re.compile(
    rf"(?:{_DONE}了?|占|达到)(?:全年|年度|年)(?:目标计划|目标任务|计划|目标|任务)的?(?P<p>{PCT})(?P<pair>和{PCT})?"
)
# 增速 is the growth rate; 下滑/回落 are declines; "增长-3.5%" is a decline written with a sign.
_GROWTH_RE = re.compile(rf"(?:同比)?(?P<dir>增长|增幅|增速|增加|下降|下滑|回落|减少)(?:了|为)?(?P<sign>[-−－])?(?P<g>{PCT})")
# "较2019年同期增长…" compares with another year than the last: not a yoy_pct.
_BASE_YEAR_RE = re.compile(r"较(?P<y>20\d{2})年(?:同期)?(?:相比)?$")
# A figure's phrase left without its number (a mirror stripped the digits).
_STRIPPED_RE = re.compile(
    rf"(?:{_DONE}|占|达到)(?:全年|年度|年)(?:目标计划|计划|目标|任务)的?%|(?:同比)?(?:增长|增幅|增速|下降|下滑)%|亿元以上(?:工业)?项目个(?!数)"
    r"|(?:到位资金|到位|引资额|总金额|总投资|总出资)(?:为|达)?亿元"
    r"|(?:县|区|石首市|洪湖市|松滋市|监利市)各?个(?=[,，、。;；)）])"  # "公安县、监利县各个,石首市个,"
)
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})年")
_TEAMS_RE = re.compile(r"驻点招商专班由去年的(?P<a>\d+)个增加到今年的(?P<b>\d+)个")
_DAYS_LEFT_RE = re.compile(rf"全年有效工作日仅剩(?P<v>{INT})天")
_COUNT_RE = re.compile(r"(?P<each>各)?(?P<v>\d+)个")
_NAMES_TAIL_RE = re.compile(r"[\u4e00-\u9fff()（）、]+$")
_LIST_PREFIX_RE = re.compile(r"^[、\s]*(?:其中|分别为|分别是|包括|依次为)?[、\s]*")
# A sentence worth the rules: a digit, or a Chinese numeral right before a unit (一百七十四个, 七百九十八亿元).
_HAS_NUMBER_RE = re.compile(rf"\d|{CN_DECIMAL}(?:个|亿|条|次|人|天)|百分之")
_PERIOD_HINT_RE = re.compile(r"月|季|半年|全年")
# A word each rule cannot match without: a cheap `in` test before the regex, since a 10 MB text has
# hundreds of thousands of sentences.
_NEEDLES = {pattern: needles for (_, pattern, _), needles in zip(_RULES, (
    ("开工率",), ("百亿",), ("亿元以上",), ("亿元以上",), ("亿元以上",), ("亿元以上",), ("亿元以上",), ("亿元以上",),
    ("实际到位",), ("额", "总金额", "总投资", "总出资"), ("总投资", "总出资"), ("总投资", "总出资"), ("引进项目",), ("已开工",), ("已投产",),
    ("已有",), ("领导提供",), ("外出",), ("洽谈项目",), ("驻点人数",),
))}
assert len(_NEEDLES) == len(_RULES)
_LOOKBACK = 80  # characters a quote may reach back for its scope, year or clause start; keeps the scan linear


def _sentences(text: str):
    """(start, end) of each sentence: split at 。！？； and line breaks."""
    start = 0
    for match in re.finditer(r"[。！？；;\n]", text):
        if match.start() > start:
            yield start, match.start() + 1
        start = match.end()
    if start < len(text):
        yield start, len(text)


class _NoParentheses:
    def __getitem__(self, i: int) -> int:
        return 0


def _paren_depths(sentence: str) -> list[int] | _NoParentheses:
    """Parenthesis depth before each character (one pass, so lookups stay linear in long sentences)."""
    if "(" not in sentence and "（" not in sentence:
        return _NoParentheses()  # most sentences: no pass needed
    depths, depth = [], 0
    for ch in sentence:
        depths.append(depth)
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
    depths.append(depth)
    return depths


def document_year(text: str, published: dt.date | None) -> int | None:
    """The year a bulletin is about: a year written at its first period ("2015年1-7月"), else 今年 = the
    publication year, else a single year written before that period (a title "2015年招商引资通报"), else
    None (never a guess from a repost date).

    Only the first period dates the bulletin: "2014年全年…" further down a 2015 bulletin is a comparison,
    and taking its year would silently move every figure to 2014.

    >>> document_year("2016年1-3月全市…", None)
    2016
    >>> document_year("今年1-7月全市…", dt.date(2015, 9, 2))
    2015
    >>> document_year("今年1-7月全市…", None) is None
    True
    >>> document_year("1-7月全市…174个。2014年全年,全市…250个。", dt.date(2015, 9, 2))
    2015
    >>> document_year("1-7月全市…174个。2014年全年,全市…250个。", None) is None
    True
    """
    first = find_period(text)
    if first is not None:
        match = first[1]
        near = _YEAR_RE.search(text[max(0, match.start() - 8):match.start() + 1])
        if near:
            return int(near.group(1))
    if published is not None:
        return published.year
    head = text[:first[1].start()] if first is not None else text
    years = {int(y) for y in _YEAR_RE.findall(head)}
    if len(years) == 1 and not re.search(r"今年|去年|上年", text):
        return years.pop()
    return None


def extract(text: str, *, published: dt.date | None = None) -> Extraction:
    """Facts from cleaned bulletin text. ``published`` resolves 今年 when the text names no year.

    >>> [(f.metric, f.value, f.plan_pct) for f in extract("1-7月全市新引进亿元以上项目174个,完成全年计划的71.6%。",
    ...                                                    published=dt.date(2015, 9, 2)).facts]
    [('projects_100m', 174.0, 71.6)]
    """
    out = Extraction()
    doc_period = find_period(text)
    doc_months = doc_period[0] if doc_period else None
    doc_year = document_year(text, published)
    if doc_months is None:
        doc_months = _month_end_date(text, doc_year)  # "截至7月31日" as the only date: January..July
    if doc_months is None:
        day_date = _DAY_DATE_RE.search(text)
        if day_date:
            out.warnings.append(
                f"the only date is “{day_date.group(0)}”, not the last day of a month (or 2月28日 with no year): "
                "figures of part of a month are left out"
            )
        elif re.search(r"\d", text):
            out.warnings.append("no period (1-M月, 上半年, …) found: figures cannot be dated and are left out")
        return out
    if doc_year is None:
        out.warnings.append("no year in the text and no publication date: facts have no year")

    last_head_metric: str | None = None
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        stripped = _STRIPPED_RE.search(sentence)  # before the digit test: a fully stripped sentence has none
        if stripped:
            out.warnings.append(
                f"a figure's number is missing (digits stripped?) at “{stripped.group(0)}” in “{sentence.strip()[:120]}”: no fact taken"
            )
        if not _HAS_NUMBER_RE.search(sentence):
            continue
        period = find_period(sentence) if _PERIOD_HINT_RE.search(sentence) else None
        months = period[0] if period else doc_months
        year = doc_year
        if period:
            near = _YEAR_RE.search(sentence[max(0, period[1].start() - 8):period[1].start() + 1])
            if near:
                year = int(near.group(1))
        # "截至8月15日" dates a sentence to a day: read with the bulletin's months its figures would conflict
        # with the real January..M totals (and drop them). A month's last day is that month's end.
        partial_day = None
        day_date = None if period else _DAY_DATE_RE.search(sentence)
        if day_date:
            month_end = _month_ended(day_date, year)
            if month_end:
                months = month_end
            else:
                partial_day = day_date.group(0)
        resident = "市直驻点" in sentence or "驻点招商单位" in sentence
        sentence_facts: list[Fact] = []
        taken = bytearray(len(sentence))

        for metric, pattern, scope in _RULES:
            if scope == "resident" and not resident or scope == "city" and resident:
                continue
            if not any(n in sentence for n in _NEEDLES[pattern]):
                continue
            for match in pattern.finditer(sentence):
                if any(taken[match.start():match.end()]):
                    continue
                if scope == "city" and not any(
                    f.metric == "projects_100m" and f.end <= s_start + match.start() for f in sentence_facts
                ):
                    continue  # a 总投资 that does not follow a count of new projects: whose total it is is unclear
                name = metric
                if resident and metric in _RESIDENT_VARIANTS:
                    name = _RESIDENT_VARIANTS[metric]
                if name == "projects_started" and not resident and "工业项目" in sentence[max(0, match.start() - _LOOKBACK):match.start()]:
                    name = "industrial_projects_100m_started"
                taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
                qualifier = _QUALIFIERS.get(match.groupdict().get("q") or "")
                sentence_facts.append(
                    Fact(year, months, settings.CITY, name, number_value(match.group("v")), s_start + match.start(),
                         s_start + match.end(), qualifier=qualifier)
                )

        if not resident:
            _attribute_regions(sentence_facts, sentence, s_start)

        teams = _TEAMS_RE.search(sentence)
        if teams and year:
            for value, y in ((teams.group("a"), year - 1), (teams.group("b"), year)):
                sentence_facts.append(Fact(y, 12 if y < year else months, settings.CITY, "resident_teams", float(value),
                                           s_start + teams.start(), s_start + teams.end(),
                                           note="去年" if y < year else None))
        days = _DAYS_LEFT_RE.search(sentence)
        if days:
            value = number_value(days.group("v"))  # 百 = 100
            sentence_facts.append(Fact(year, months, settings.CITY, "working_days_left_claim", value, s_start + days.start(),
                                       s_start + days.end(), note="通报所述，需按官方日历核对"))

        depths = _paren_depths(sentence)
        heads_here = [f for f in sentence_facts if METRICS[f.metric].kind == "count" and not depths[f.start - s_start]]
        county_facts = _county_list(sentence, s_start, year, months, heads_here, last_head_metric, out)
        if county_facts:
            covered = bytearray(len(sentence))
            for c in county_facts:
                covered[c.start - s_start:c.end - s_start] = b"\x01" * (c.end - c.start)
            sentence_facts = [f for f in sentence_facts if not covered[f.start - s_start]]
            sentence_facts.extend(county_facts)

        for fact in sentence_facts:
            _date_by_clause(fact, sentence, s_start, doc_year, period)
            _extend_to_clause_start(fact, sentence, s_start)
        _attach_progress(sentence, s_start, sentence_facts, depths, out)
        # By position, not rule order: in "全市新签约亿元以上项目260个,其中过百亿元项目3个" the next sentence's
        # county list ("其中监利市、荆州经开区各30个") continues the headline count, not the 过百亿元 rule matched first.
        heads = sorted((f for f in sentence_facts if f.region == settings.CITY and not depths[f.start - s_start]),
                       key=lambda f: f.start)
        if heads and METRICS[heads[0].metric].kind == "count":
            last_head_metric = heads[0].metric
        _mark_targets(sentence_facts, sentence, s_start)
        for fact in sentence_facts:
            if partial_day and not fact.skip:
                fact.skip = f"is dated to a day ({partial_day}), not to a month's end"
        for fact in sentence_facts:
            if fact.skip:
                out.warnings.append(
                    f"a figure {fact.skip}: “{sentence[max(0, fact.start - s_start - 20):fact.end - s_start]}”; not kept"
                )
                continue
            if fact.region == settings.CITY and not resident and "全市" not in sentence and fact.metric in (
                "projects_100m", "funds_in_place", "contract_investment"
            ) and _names_county_before(sentence, fact.start - s_start):
                out.warnings.append(
                    f"a county's own figure could not be attributed: “{text[fact.start:fact.end]}”; left out rather than called the city's"
                )
                continue
            out.facts.append(fact)
    _resolve_duplicates(out, text)
    _check_county_sums(out)
    return out


# Words that make the figure after them a target, not a result: "全年目标:新引进亿元以上项目243个", "下半年力争
# 新引进…100个", "2016年目标为…300个". 计划/目标 followed by 的 or a digit is progress ("完成全年计划的71.6%").
_TARGET_RE = re.compile(r"力争|争取|确保|预计|计划(?!(?:任务)?[的\d%])|目标(?!(?:任务|计划)?[的\d%])|下半年|明年")


def _mark_targets(facts: list[Fact], sentence: str, s_start: int) -> None:
    """Mark figures announced as targets: read as results they would conflict with the real figure of the
    same key (and drop it) or be taken as one. Only the text since the previous figure is read, so
    "完成全年计划的71.6%,实际到位资金798亿元" keeps its second figure."""
    previous = 0
    for fact in sorted(facts, key=lambda f: f.start):
        local = fact.start - s_start  # often already the clause start (quotes are extended back to it)
        window = sentence[min(local, max(previous, local - _LOOKBACK)):fact.end - s_start]
        if not fact.skip and _TARGET_RE.search(window):
            fact.skip = "is a target or plan, not a result"
        previous = max(previous, fact.end - s_start)


# A figure for one month or one quarter, not January..M: 7月当月, 本月, 7月份, 二季度 (but not 1-7月份, 前三季度).
_DAY_DATE_RE = re.compile(r"截[止至]\s*(?:20\d{2}年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_SINGLE_MONTH_RE = re.compile(r"当月|单月|本月|(?<![-—–~至到\d])\d{1,2}月份|(?<![前一至到、\-])第?[二三四]季度")
_COUNTY_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,5}?(?:县|市|区)")


def _month_end_date(text: str, year: int | None) -> int | None:
    """M when the first "截至M月D日" of ``text`` is the last day of month M (a January..M figure), else None.

    >>> _month_end_date("截至7月31日，全市新引进亿元以上项目174个", 2015), _month_end_date("截至7月20日，…", 2015)
    (7, None)
    """
    day_date = _DAY_DATE_RE.search(text)
    return _month_ended(day_date, year) if day_date else None


def _month_ended(day_date: re.Match, year: int | None) -> int | None:
    """The month of a "截至M月D日" match when D is that month's last day, else None."""
    month, day = int(day_date.group("m")), int(day_date.group("d"))
    if not 1 <= month <= 12:
        return None
    # without a year, 2月28日 may or may not be the month's end: not a guess to make
    if year is None and month == 2 and day == 28:
        return None
    return month if day == calendar.monthrange(year or 2000, month)[1] else None


def _single_period_before(sentence: str, local: int) -> bool:
    """True when the last period named before position ``local`` is one month or quarter ("7月份,全市…25个"),
    not a January..M one ("1-7月,…")."""
    floor = max(0, local - _LOOKBACK)
    single = None
    for single in _SINGLE_MONTH_RE.finditer(sentence, floor, local):
        pass
    if single is None:
        return False
    return not any(pattern.search(sentence, single.end(), local) for pattern, _ in _PERIODS)


def _attribute_regions(facts: list[Fact], sentence: str, s_start: int) -> None:
    """"公安县新引进亿元以上项目23个,实际到位资金85亿元": figures whose clause starts with one county are
    that county's, and so are the figures of the clauses that follow it in the sentence without a subject
    of their own. 全市 resets the subject to the city.

    Only the clause (back to the last comma, colon or bracket) is read, so "全市…,公安县…" stays apart; a
    clause naming two counties ("公安县、监利县新引进…46个") or a single month (7月当月…) is marked: reported, not kept."""
    subject: str | None = None
    for fact in sorted(facts, key=lambda f: f.start):
        local = fact.start - s_start
        floor = max(0, local - _LOOKBACK)
        begin = max(max(sentence.rfind(c, floor, local) for c in _CLAUSE_BREAK) + 1, floor)
        clause = sentence[begin:local]
        if _single_period_before(sentence, local):
            fact.skip = "is a single month's or quarter's figure, not a January..M total"
            continue
        if "全市" in clause:
            subject = settings.CITY
            continue
        counties = _counties_in(clause)
        if len(counties) > 1:
            fact.skip = "names more than one county"
            continue
        if counties:
            subject = counties.pop()
        if subject and subject != settings.CITY:
            fact.region = subject
            fact.start = s_start + begin


def _counties_in(text: str) -> set[str]:
    """Canonical names of the counties ``text`` names. Each 县/市/区 is read with the shortest name ending
    there that the registry knows, so a word glued before the name ("其中公安县", "分地区看监利市") does not
    hide it (a greedy name match would try "其中公安县" and miss)."""
    found = set()
    for end in re.finditer("[县市区]", text):
        for length in range(2, 8):
            if end.end() - length < 0:
                break
            county = resolve(text[end.end() - length:end.end()])
            if county is not None:
                found.add(county.name)
                break
    return found


def _names_county_before(sentence: str, local: int) -> bool:
    return bool(_counties_in(sentence[max(0, local - 30):local]))


# The year a clause is about: "2014年…", "去年…", "今年…"; "2014年同期"/"去年同期" = the same months of that
# year. Comparisons ("比去年同期增加8个", "较2014年…") name a base, not the subject, and are skipped.
_YEAR_MARK_RE = re.compile(r"(?<![比较与])(?:(?P<y>20\d{2})年|(?P<rel>去年|上年|今年|本年))(?P<same>同期)?")


def _date_by_clause(fact: Fact, sentence: str, s_start: int, doc_year: int | None, period) -> None:
    """Re-date a figure by the last year named before it in its sentence.

    "2014年引进亿元以上工业项目开工率为78.1%" in a 2015 bulletin is about the 2014 cohort as a whole:
    year 2014, months 12; "去年全年…260个" is year - 1 with the sentence's months (12); "2014年同期…150个"
    is 2014 with this bulletin's months. With no year known, a written year is taken as it is."""
    if fact.metric == "resident_teams":
        return
    local = fact.start - s_start
    marks = list(_YEAR_MARK_RE.finditer(sentence, max(0, local - _LOOKBACK), local))
    if not marks:
        return
    mark = marks[-1]
    if mark.group("y"):
        year = int(mark.group("y"))
    elif doc_year is None:
        return
    else:
        year = doc_year - 1 if mark.group("rel") in ("去年", "上年") else doc_year
    if doc_year is None:
        fact.year = year
    elif year < doc_year:
        fact.year = year
        if not (period or mark.group("same")):
            fact.months = 12
        if fact.metric.startswith("resident_projects_"):
            fact.note = f"{year}年引进项目的进展"


_CLAUSE_BREAK = ",，:：;；(（)）。\n"


def _extend_to_clause_start(fact: Fact, sentence: str, s_start: int) -> None:
    """Start the quote where its clause starts ("全市新引进亿元以上项目174个", not "亿元以上项目174个")."""
    if fact.region != settings.CITY:
        return
    local = fact.start - s_start
    floor = max(0, local - _LOOKBACK)
    cut = max(sentence.rfind(c, floor, local) for c in _CLAUSE_BREAK)
    begin = max(cut + 1, floor)
    while begin < local and sentence[begin] in " \u3000、":
        begin += 1
    fact.start = s_start + begin


def _county_list(sentence: str, s_start: int, year, months, heads_here: list[Fact], head_metric, out: Extraction) -> list[Fact]:
    """Counties listed with counts: "公安县、监利县各23个,石首市22个…" → one fact per county.

    The figures are the same metric as the count they follow: the sentence's own head figure, else the
    previous sentence's ("全市新引进亿元以上项目174个。从各县市区引进项目情况看:…").
    """
    batch = "集中签约" in sentence and "6月" in sentence
    if batch:
        months = 6
    facts: list[Fact] = []
    unknown: list[str] = []
    previous_end = 0
    paired_end = _respectively(sentence, s_start, year, months, heads_here, head_metric, facts, out) if "分别" in sentence else 0
    for match in _COUNT_RE.finditer(sentence):
        if match.start() < paired_end:
            previous_end = match.end()
            continue  # a value of a 分别为 list, paired above
        window_start = max(previous_end, match.start() - 40)
        previous_end = match.end()
        tail = _NAMES_TAIL_RE.search(sentence, window_start, match.start())
        if not tail:
            continue
        raw_names = tail.group(0)
        prefix = _LIST_PREFIX_RE.match(raw_names)
        offset = tail.start() + prefix.end()
        names = [n for n in raw_names[prefix.end():].split("、") if n]
        resolved = []
        for name in names:
            inner = re.search(r"[(（](含[^)）]+)[)）]", name)
            bare = re.sub(r"[(（][^)）]*[)）]", "", name)
            county = resolve(name) or resolve(bare)
            if county is None:
                resolved = None
                if 2 <= len(bare) <= 8 and bare[-1] in "县市区" and not bare.startswith(("全", "各", "县", "市", "区")):
                    unknown.append(bare)
                break
            resolved.append((county.name, inner.group(1) if inner else None))
        if not resolved:
            continue
        if len(resolved) > 1 and not match.group("each"):
            continue
        if batch:
            metric = "batch_signings_june"
        else:
            own = [f.metric for f in heads_here if f.end - s_start <= tail.start()]
            metric = own[-1] if own else head_metric
        if metric is None:
            out.warnings.append(f"county figures without a metric to attach to: “{sentence[offset:match.end()]}”")
            continue
        for county, note in resolved:
            fact_note = note
            if batch:
                fact_note = "6月底集中签约" if not note else f"6月底集中签约；{note}"
            facts.append(Fact(year, months, county, metric, float(match.group("v")), s_start + offset,
                              s_start + match.end(), note=fact_note))
    if facts:
        for name in unknown:
            out.warnings.append(f"unknown region “{name}” in “{sentence.strip()[:60]}”: not in the county registry; its figure is left out")
    return facts


_RESPECTIVE_VALUES_RE = re.compile(r"(?:为|是|有)?(?P<first>\d+)个(?P<rest>(?:[、,，和及]\d+个){0,12})")


def _respectively(sentence: str, s_start: int, year, months, heads_here: list[Fact], head_metric, facts: list[Fact],
                  out: Extraction) -> int:
    """"公安县、监利县分别为23个、22个": the n-th county gets the n-th value; appended to ``facts``.

    Only when every name is a known county and the counts of names and values agree; otherwise a warning,
    since pairing them any other way would be a guess. Names are read at most 60 characters back from
    分别 (linear time). Returns the end (in the sentence) of the last list read, so its values are not read
    again as single-county figures."""
    last_end = 0
    for marker in re.finditer("分别", sentence):
        values = _RESPECTIVE_VALUES_RE.match(sentence, marker.end())
        if not values:
            continue
        tail = _NAMES_TAIL_RE.search(sentence, max(0, marker.start() - 60), marker.start())
        if not tail:
            continue
        prefix = _LIST_PREFIX_RE.match(tail.group(0))
        offset = tail.start() + prefix.end()
        names = [n for n in tail.group(0)[prefix.end():].split("、") if n]
        counties = [resolve(n) or resolve(re.sub(r"[(（][^)）]*[)）]", "", n)) for n in names]
        numbers = [values.group("first"), *re.findall(r"\d+", values.group("rest"))]
        last_end = values.end()
        quote = sentence[offset:values.end()]
        if len(names) < 2 or None in counties or len(numbers) != len(counties):
            out.warnings.append(f"a 分别 list whose names and values cannot be paired one to one: “{quote}”; not kept")
            continue
        own = [f.metric for f in heads_here if f.end - s_start <= offset]
        metric = own[-1] if own else head_metric
        if metric is None:
            out.warnings.append(f"county figures without a metric to attach to: “{quote}”")
            continue
        for county, number in zip(counties, numbers):
            facts.append(Fact(year, months, county.name, metric, float(number), s_start + offset, s_start + values.end()))
    return last_end


def _attach_progress(sentence: str, s_start: int, facts: list[Fact], depths: list[int], out: Extraction) -> None:
    """Give 完成全年计划的X% and 增长X% to the figure they follow (the nearest head figure before them)."""
    heads = sorted((f for f in facts if not depths[f.start - s_start]), key=lambda f: f.end)
    ends = [f.end for f in heads]
    for pattern, attr in ((_PLAN_RE, "plan_pct"), (_GROWTH_RE, "yoy_pct")):
        for match in pattern.finditer(sentence):
            position = s_start + match.start()
            i = bisect.bisect_right(ends, position) - 1
            if i < 0:
                continue
            if attr == "plan_pct" and match.group("pair"):
                # "174个,实际到位资金798亿元,分别完成全年计划的71.6%和61.4%": the two figures just before, in order.
                # Without 分别 and such a pair it is a recap ("…个数和到位资金已完成全年目标计划的71.6%和61.4%").
                pair = (heads[i - 1], heads[i]) if i >= 1 else None
                if "分别" in sentence[max(0, match.start() - 3):match.start()] and pair and all(
                    f.plan_pct is None for f in pair
                ):
                    pair[0].plan_pct = number_value(match.group("p"))
                    pair[1].plan_pct = number_value(match.group("pair")[1:])
                    for f in pair:  # each quote reaches its percentage
                        f.end = max(f.end, s_start + match.end())
                elif any(f.plan_pct is None for f in heads[max(0, i - 1):i + 1]):
                    out.warnings.append(f"two plan shares “{match.group(0)}” not tied to figures one to one; not assigned")
                continue
            target = heads[i]
            if attr == "plan_pct":
                if target.plan_pct is None:
                    target.plan_pct = number_value(match.group("p"))
                    target.end = max(target.end, s_start + match.end())
                continue
            base = _BASE_YEAR_RE.search(sentence[max(0, match.start() - 12):match.start()])
            value = number_value(match.group("g"))
            negative = match.group("dir") in ("下降", "下滑", "回落", "减少")
            if negative and match.group("sign"):
                out.warnings.append(f"growth written as a double negative “{match.group(0)}”: unclear, yoy_pct left empty")
                continue
            value = -value if negative or match.group("sign") else value
            if base and (target.year is None or int(base.group("y")) != target.year - 1):
                out.warnings.append(
                    f"growth against {base.group('y')} (not the previous year) is not year-on-year: “{base.group(0)}{match.group(0)}”; yoy_pct left empty"
                )
                target.note = f"较{base.group('y')}年同期{match.group('dir')}{match.group('g')}（非同比）"
                continue
            if target.yoy_pct is None:
                target.yoy_pct = value
                target.end = max(target.end, s_start + match.end())


def _resolve_duplicates(out: Extraction, text: str) -> None:
    """Same key, same value → keep the first quote; same key, different values → a conflict, both left out.

    Leaving both out is deliberate: a reader cannot tell which one the bulletin meant, and a downstream
    forecast would silently use whichever came first. The conflict (values and quotes) is reported instead.
    """
    seen: dict[tuple, Fact] = {}
    conflicting: dict[tuple, dict] = {}
    kept: list[Fact] = []
    for fact in out.facts:
        key = fact.key()
        first = seen.get(key)
        if first is None:
            seen[key] = fact
            kept.append(fact)
            continue
        if first.value == fact.value and first.qualifier == fact.qualifier:
            first.plan_pct = first.plan_pct if first.plan_pct is not None else fact.plan_pct
            first.yoy_pct = first.yoy_pct if first.yoy_pct is not None else fact.yoy_pct
            continue
        quote = text[fact.start:fact.end]
        if key in conflicting:
            conflicting[key]["values"].append(fact.value)
            conflicting[key]["quotes"].append(quote)
            continue
        conflicting[key] = {
            "key": key, "year": key[0], "months": key[1], "region": key[2], "metric": key[3],
            "values": [first.value, fact.value], "quotes": [text[first.start:first.end], quote],
        }
    for key, conflict in conflicting.items():
        out.conflicts.append(conflict)
        shown = " and as ".join(f"{v:g}" for v in conflict["values"])
        out.warnings.append(
            f"conflict: {key[2]} {key[3]} {key[0]} 1-{key[1]}月 is stated as {shown}; none of them is used"
        )
    out.facts = [f for f in kept if f.key() not in conflicting]


def _check_county_sums(out: Extraction) -> None:
    """Where every county of the registry has a figure, they must sum to the city's figure."""
    from ..counties import COUNTY_NAMES

    by_key: dict[tuple, dict[str, float]] = {}
    city: dict[tuple, float] = {}
    for fact in out.facts:
        key = (fact.year, fact.months, fact.metric)
        if fact.region == settings.CITY:
            city[key] = fact.value
        else:
            by_key.setdefault(key, {})[fact.region] = fact.value
    for key, counties in by_key.items():
        if key in city and set(counties) == set(COUNTY_NAMES):
            total = sum(counties.values())
            if abs(total - city[key]) > 1e-9:
                out.warnings.append(
                    f"county figures of {key[2]} {key[0]} 1-{key[1]}月 sum to {total:g}, but the city total is {city[key]:g}"
                )
