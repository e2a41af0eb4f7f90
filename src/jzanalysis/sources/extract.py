"""Extracting tidy facts from a cleaned bulletin, each with its exact quote and offsets.

Bulletins are formulaic: a period (1-7月, 元至7月, 上半年, 截止7月底 …), a scope (全市, a county list,
市直驻点招商单位), a figure with its unit, then progress (完成全年计划的X%) and growth (增长X%).
Rules below match those phrasings; a figure that cannot be tied to a number (digits stripped by a
mirror) gives a warning, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .. import settings
from ..counties import resolve
from ..metrics import METRICS

NUM = r"\d+(?:\.\d+)?"
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
    (re.compile(r"前\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*个?月"), 1),
    (re.compile(r"截[止至]\s*(\d{1,2})\s*月(?:底|末)"), 1),
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


_PUBLISHED_RE = re.compile(r"(?:发布(?:时间|日期)|发表时间|日期)\s*[:：]\s*(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})")
_REPOST_RE = re.compile(r"(转载|转发|采集|编辑|更新)(?:时间|日期)?\s*[:：]?\s*\d{4}")


def publication_date(raw: str) -> dt.date | None:
    """The bulletin's publication date (发布时间/发布日期), not a repost or edit date; None when absent."""
    for match in _PUBLISHED_RE.finditer(raw):
        line_start = raw.rfind("\n", 0, match.start()) + 1
        line = raw[line_start:match.end()]
        if _REPOST_RE.search(line):
            continue
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


@dataclass
class Fact:
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

    def key(self) -> tuple:
        return (self.year, self.months, self.region, self.metric)


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)


_QUAL = r"(?P<q>近|约|逾|愈|超过|超|达)?"
_QUALIFIERS = {"近": "approx", "约": "approx", "逾": "more_than", "愈": "more_than", "超过": "more_than", "超": "more_than"}

# (metric, pattern, scope) — scope: None = any, "resident" = only in 市直驻点 sentences, "city" = not there.
# Order matters: the specific phrase (10亿元以上项目) is consumed before the general one (亿元以上项目).
_RULES: list[tuple[str, re.Pattern, str | None]] = [
    ("industrial_start_rate", re.compile(rf"亿元以上工业项目开工率(?:为|达|是)?{_QUAL}(?P<v>{NUM})%"), None),
    ("projects_10b", re.compile(rf"(?:过百亿元?|百亿元以上)(?:的)?项目{_QUAL}(?P<v>\d+)个"), None),
    ("projects_1b", re.compile(rf"(?<![\d.])(?:10|十)亿元以上(?:的)?项目{_QUAL}(?P<v>\d+)个"), None),
    ("projects_1b", re.compile(rf"(?P<v>\d+)个(?:10|十)亿元以上(?:的)?项目"), None),
    ("industrial_projects_100m", re.compile(rf"(?<![\d.十百])亿元以上工业项目{_QUAL}(?P<v>\d+)个"), None),
    ("industrial_projects_100m", re.compile(rf"(?P<v>\d+)个亿元以上工业项目"), None),
    ("projects_100m", re.compile(rf"(?<![\d.十百])亿元以上(?:的)?项目{_QUAL}(?P<v>\d+)个(?!数)"), None),
    ("projects_100m", re.compile(rf"(?P<v>\d+)个亿元以上(?:的)?项目"), None),
    ("funds_in_place", re.compile(rf"实际到位(?:资金|外资|内资)?{_QUAL}(?P<v>{NUM})亿元"), None),
    ("contract_investment", re.compile(rf"(?:合同引资额|协议引资额|签约总金额|合同投资额|协议投资额|引进项目总投资|合同总金额)(?:为|达)?{_QUAL}(?P<v>{NUM})亿元"), None),
    ("resident_investment", re.compile(rf"总(?:投资|出资){_QUAL}(?P<v>{NUM})亿元"), "resident"),
    ("resident_projects", re.compile(rf"引进项目{_QUAL}(?P<v>\d+)个"), "resident"),
    ("projects_started", re.compile(rf"已开工{_QUAL}(?P<v>\d+)个"), None),
    ("projects_in_production", re.compile(rf"已投产{_QUAL}(?P<v>\d+)个"), None),
    ("projects_started", re.compile(rf"已有{_QUAL}(?P<v>\d+)个项目开工"), None),
    ("leader_leads", re.compile(rf"提供(?:项目)?信息{_QUAL}(?P<v>\d+)条"), None),
    ("leader_trips", re.compile(rf"外出{_QUAL}(?P<v>\d+)次"), None),
    ("leader_negotiations", re.compile(rf"洽谈项目{_QUAL}(?P<v>\d+)个"), None),
    ("resident_staff", re.compile(rf"驻点人数{_QUAL}(?P<v>\d+)人"), None),
]
_RESIDENT_VARIANTS = {
    "projects_100m": "resident_projects",
    "industrial_projects_100m": "resident_industrial_projects_100m",
    "projects_1b": "resident_projects_1b",
    "projects_started": "resident_projects_started",
    "projects_in_production": "resident_projects_in_production",
}
_PLAN_RE = re.compile(rf"完成(?:全年|年度)(?:计划|目标|目标计划|任务)的?(?P<p>{NUM})%")
_GROWTH_RE = re.compile(rf"(?<!较)(?:同比)?(?P<dir>增长|增幅|增加|下降|减少)(?:为)?(?P<g>{NUM})%")
_OTHER_BASE_RE = re.compile(rf"较(?P<y>\d{{4}})年同期(?:增长|下降)(?P<g>{NUM})%")
_STRIPPED_RE = re.compile(r"(完成(?:全年|年度)(?:计划|目标)的%|亿元以上项目个(?!数)|资金亿元|增长%)")
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})年")
_TEAMS_RE = re.compile(r"驻点招商专班由去年的(?P<a>\d+)个增加到今年的(?P<b>\d+)个")
_DAYS_LEFT_RE = re.compile(r"全年有效工作日仅剩(?P<v>\d+|百)天")
_COUNTY_ITEM_RE = re.compile(r"(?P<names>[\u4e00-\u9fff()（）、]+?)(?P<each>各)?(?P<v>\d+)个")


def _sentences(text: str):
    """(start, end) of each sentence: split at 。！？； and line breaks."""
    start = 0
    for match in re.finditer(r"[。！？；;\n]", text):
        if match.start() > start:
            yield start, match.start() + 1
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _inside_parentheses(sentence: str, offset: int) -> bool:
    depth = 0
    for ch in sentence[:offset]:
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
    return depth > 0


def extract(text: str, *, published: dt.date | None = None) -> Extraction:
    """Facts from cleaned bulletin text. ``published`` resolves 今年 and a missing year."""
    out = Extraction()
    doc_period = find_period(text)
    doc_months = doc_period[0] if doc_period else None
    years = [int(y) for y in _YEAR_RE.findall(text)]
    doc_year = published.year if published else None
    if doc_year is None and doc_period:
        # "2015年1-7月": the year written with the period
        near = _YEAR_RE.search(text, max(0, doc_period[1].start() - 6), doc_period[1].start() + 1)
        doc_year = int(near.group(1)) if near else None
    if doc_year is None and years:
        doc_year = max(years)
    if doc_months is None:
        out.warnings.append("no period (1-M月, 上半年, …) found: figures cannot be dated and are left out")
        return out

    last_head_metric: str | None = None
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        stripped = _STRIPPED_RE.search(sentence)
        if stripped:
            out.warnings.append(f"a figure's number is missing (digits stripped?): “{sentence.strip()}” — no fact taken")
        period = find_period(sentence)
        months = period[0] if period else doc_months
        year = doc_year
        resident = "市直驻点" in sentence or "驻点招商单位" in sentence
        sentence_facts: list[Fact] = []
        taken: list[tuple[int, int]] = []

        for metric, pattern, scope in _RULES:
            if scope == "resident" and not resident:
                continue
            for match in pattern.finditer(sentence):
                if any(a < match.end() and match.start() < b for a, b in taken):
                    continue
                name = metric
                if resident and metric in _RESIDENT_VARIANTS:
                    name = _RESIDENT_VARIANTS[metric]
                if name == "projects_started" and "工业项目" in sentence[: match.start()] and not resident:
                    name = "industrial_projects_100m_started"
                if name == "resident_projects" and year != doc_year:
                    continue  # "2014年…引进32个亿元以上工业项目" is handled by the cohort rules
                taken.append((match.start(), match.end()))
                qualifier = _QUALIFIERS.get(match.groupdict().get("q") or "")
                sentence_facts.append(
                    Fact(year, months, settings.CITY, name, float(match.group("v")), s_start + match.start(),
                         s_start + match.end(), qualifier=qualifier)
                )

        teams = _TEAMS_RE.search(sentence)
        if teams and doc_year:
            for value, y in ((teams.group("a"), doc_year - 1), (teams.group("b"), doc_year)):
                sentence_facts.append(Fact(y, 12 if y < doc_year else months, settings.CITY, "resident_teams", float(value),
                                           s_start + teams.start(), s_start + teams.end()))
        days = _DAYS_LEFT_RE.search(sentence)
        if days:
            value = 100.0 if days.group("v") == "百" else float(days.group("v"))
            sentence_facts.append(Fact(year, months, settings.CITY, "working_days_left_claim", value, s_start + days.start(),
                                       s_start + days.end(), note="通报所述，需按官方日历核对"))

        county_facts = _county_list(sentence, s_start, year, months, last_head_metric, out)
        if county_facts:
            sentence_facts = [f for f in sentence_facts if not any(c.start <= f.start < c.end for c in county_facts)]
            sentence_facts.extend(county_facts)

        for fact in sentence_facts:
            _date_by_clause(fact, sentence, s_start, doc_year, period)
            _extend_to_clause_start(fact, sentence, s_start)
        _attach_progress(sentence, s_start, sentence_facts, out)
        heads = [f for f in sentence_facts if f.region == settings.CITY and not _inside_parentheses(sentence, f.start - s_start)]
        if heads and METRICS[heads[0].metric].kind == "count":
            last_head_metric = heads[0].metric
        for fact in sentence_facts:
            if fact.region == settings.CITY and "全市" not in sentence and not resident and fact.metric in (
                "projects_100m", "funds_in_place", "contract_investment") and any(resolve(n) for n in re.findall(r"[\u4e00-\u9fff]{2,5}(?:县|市|区)", sentence[: fact.start - s_start])):
                continue  # a county's own figure in a sentence we could not attribute: leave it out rather than call it the city's
            out.facts.append(fact)
    _resolve_duplicates(out, text)
    _check_county_sums(out)
    return out


def _date_by_clause(fact: Fact, sentence: str, s_start: int, doc_year: int | None, period) -> None:
    """A figure written after "2014年" in a 2015 bulletin, with no period of its own, is about the
    2014 cohort as a whole ("2014年引进亿元以上工业项目开工率为78.1%"): year 2014, months 12."""
    if fact.metric == "resident_teams":
        return
    before = sentence[: fact.start - s_start]
    years = _YEAR_RE.findall(before)
    if not years:
        return
    year = int(years[-1])
    if doc_year is None:
        fact.year = year
    elif year < doc_year and not period:
        fact.year, fact.months = year, 12


_CLAUSE_BREAK = ",，:：;；(（)）。\n"


def _extend_to_clause_start(fact: Fact, sentence: str, s_start: int) -> None:
    """Start the quote where its clause starts ("全市新引进亿元以上项目174个", not "亿元以上项目174个")."""
    local = fact.start - s_start
    cut = max(sentence.rfind(c, 0, local) for c in _CLAUSE_BREAK)
    begin = cut + 1
    while begin < local and sentence[begin] in " \u3000、":
        begin += 1
    if fact.region == settings.CITY:
        fact.start = s_start + begin


def _county_list(sentence: str, s_start: int, year, months, head_metric, out: Extraction) -> list[Fact]:
    """Counties listed with counts: "公安县、监利县各23个,石首市22个…" → one fact per county."""
    batch = "集中签约" in sentence
    metric = "batch_signings_june" if batch and "6月" in sentence else head_metric
    if batch and "6月" in sentence:
        months = 6
    facts: list[Fact] = []
    for match in _COUNTY_ITEM_RE.finditer(sentence):
        raw_names = match.group("names")
        # the list item starts after the last separator or colon before it
        cut = max(raw_names.rfind(c) for c in ":：,，")
        offset = cut + 1
        prefix = re.match(r"[、\s]*(?:其中|分别为|分别是|包括)?[、\s]*", raw_names[offset:])
        offset += prefix.end()
        names_text = raw_names[offset:]
        names = [n for n in re.split(r"[、]", names_text) if n]
        resolved = []
        for name in names:
            note = None
            base = name
            inner = re.search(r"[(（](含[^)）]+)[)）]", name)
            if inner:
                note = inner.group(1)
            county = resolve(name) or resolve(re.sub(r"[(（][^)）]*[)）]", "", name))
            if county is None:
                resolved = None
                if re.search(r"(县|市|区)$", re.sub(r"[(（][^)）]*[)）]", "", base)) and len(base) <= 12:
                    out.warnings.append(f"unknown region “{base}” in “{sentence.strip()[:60]}”: not in the county registry; its figure is left out")
                break
            resolved.append((county.name, note))
        if not resolved:
            continue
        if len(resolved) > 1 and not match.group("each"):
            continue
        if metric is None:
            out.warnings.append(f"county figures without a metric to attach to: “{match.group(0)}”")
            continue
        for county, note in resolved:
            fact_note = note
            if batch:
                fact_note = "6月底集中签约" if not note else f"6月底集中签约；{note}"
            facts.append(Fact(year, months, county, metric, float(match.group("v")), s_start + match.start() + offset,
                              s_start + match.end(), note=fact_note))
    return facts


def _attach_progress(sentence: str, s_start: int, facts: list[Fact], out: Extraction) -> None:
    """Give 完成全年计划的X% and 增长X% to the figure they follow (the nearest head figure before them)."""
    heads = sorted((f for f in facts if not _inside_parentheses(sentence, f.start - s_start)), key=lambda f: f.start)
    if "开门红" in sentence:
        return  # 开门红目标 is a first-quarter target, not the annual plan
    for pattern, attr in ((_PLAN_RE, "plan_pct"), (_GROWTH_RE, "yoy_pct")):
        for match in pattern.finditer(sentence):
            position = s_start + match.start()
            before = [f for f in heads if f.end <= position]
            if not before:
                continue
            if len({f.start for f in facts if f.end <= position and f.start >= before[-1].start}) > 1 and attr == "plan_pct" and "和" in sentence:
                continue
            target = before[-1]
            if attr == "plan_pct":
                target.plan_pct = float(match.group("p"))
            else:
                value = float(match.group("g"))
                target.yoy_pct = -value if match.group("dir") in ("下降", "减少") else value
            target.end = max(target.end, s_start + match.end())
    for match in _OTHER_BASE_RE.finditer(sentence):
        out.warnings.append(f"growth against {match.group('y')} (not last year) is not a year-on-year figure: “{match.group(0)}”")


def _resolve_duplicates(out: Extraction, text: str) -> None:
    """Same key, same value → keep the first quote; same key, different values → a conflict, both left out."""
    seen: dict[tuple, Fact] = {}
    conflicting: set[tuple] = set()
    kept: list[Fact] = []
    for fact in out.facts:
        key = fact.key()
        first = seen.get(key)
        if first is None:
            seen[key] = fact
            kept.append(fact)
            continue
        if first.value == fact.value:
            first.plan_pct = first.plan_pct if first.plan_pct is not None else fact.plan_pct
            first.yoy_pct = first.yoy_pct if first.yoy_pct is not None else fact.yoy_pct
            continue
        conflicting.add(key)
        out.conflicts.append(
            {"year": key[0], "months": key[1], "region": key[2], "metric": key[3],
             "values": [first.value, fact.value], "quotes": [text[first.start:first.end], text[fact.start:fact.end]]}
        )
        out.warnings.append(
            f"conflict: {key[2]} {key[3]} {key[0]} 1-{key[1]}月 is stated as {first.value:g} and as {fact.value:g}; neither is used"
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
