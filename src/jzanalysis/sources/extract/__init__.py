"""Extracting tidy facts from a cleaned bulletin, each with its exact quote, its rule and its phrase.

The extractor is a small pipeline around one declarative rule record (:class:`lexicon.Rule`):

1. :mod:`.regions` finds the city the bulletin is about (or takes the one given) and, in each phrase, the
   county-level units it names.
2. :mod:`.clauses` splits sentences into clauses and gives every figure (number + unit, :mod:`.numerals`)
   its own phrase: the words of its clause before the number, and after "N个" when they name what is counted.
3. :mod:`.lexicon` reads each phrase into features (scope, stage, size floor, object, amount kind,
   restrictions) and the first rule they meet gives the metric; words a phrase lacks come from the figure it
   continues in the same sentence ("其中10亿元以上项目21个", "已开工9个", a county list after its total), or
   from the sentence before when the text says so (其中…, 分别为…, 从各县市区…看). A phrase that meets no
   rule is reported as a figure not mapped.
4. :mod:`.dates` dates every figure (January..M, one month, a day, another year); percentages become the
   plan share or growth of the figure they follow (:func:`.clauses.percent_groups`).
5. :mod:`.reconcile` merges repeats, keeps the widest of a figure and its parts, reports conflicts.

Nothing is guessed: a figure whose digits were stripped, whose region or period is unclear, or that is a
target, a single month or a part of the total is reported and left out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from dataclasses import dataclass, field

from ...errors import InputError
from ...metrics import METRICS
from ...regions import Region
from . import budget
from .clauses import HAS_NUMBER_RE, STRIPPED_RE, paren_depths, percent_groups, phrase_after, phrase_start, sentences
from .dates import (
    YEAR_MARK_RE,
    PeriodMention,
    document_period,
    document_year,
    find_period,
    first_day_date,
    month_end_date,
    period_mentions,
    publication_date,
    whole_year,
)
from .lexicon import (
    Features,
    Lexicon,
    Rule,
    classify,
    is_breakdown,
    is_continuation,
    load_lexicon,
    normalise,
    read_phrase,
)
from .numerals import CN_DECIMAL, MAX_DIGITS, PCT, Quantity, number_value, quantities
from .reconcile import check_unit_sums, reconcile
from .regions import CityDetection, Mention, RegionMatcher, detect_city
from .tables import find_tables

__all__ = [
    "CITY_UNKNOWN",
    "CN_DECIMAL",
    "PCT",
    "Extraction",
    "Fact",
    "Unmapped",
    "document_year",
    "extract",
    "find_period",
    "number_value",
    "publication_date",
]

CITY_UNKNOWN = "全市"  # the region of city-wide figures when the text names no city and none is given
_LOOKBACK = 80  # characters a figure reaches back in its sentence for the year it is about
_UNITS_KIND = {"个": "count", "亿元": "amount"}
_OVERLONG_RE = re.compile(rf"(?<!\d)\d{{{MAX_DIGITS + 1},}}(?:\.\d+)?\s*(?:个|亿元|万元|%)")
_TARGET_AFTER = re.compile(r"[\"“”'’」』)）]?(?:的)?(?:目标|任务|计划)(?!的)")
_TARGET_BRACKET = re.compile(r"(?:目标|任务|计划)(?:任务)?[（(]$")
_PLAUSIBLE = {"个": 1e6, "亿元": 1e6, "%": 1e5, "条": 1e6, "次": 1e6, "人": 1e7, "天": 366}


@dataclass
class Fact:
    """One figure found in the cleaned text; ``start``/``end`` delimit its quote; ``rule`` and ``phrase`` say
    why it was read as ``metric``."""

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
    skip: str | None = None
    rule: str | None = None
    phrase: str | None = None
    city: str | None = None
    breadth: tuple = (0, 0, 0, 0.0)  # how narrow a part of its population the figure is (reconcile)
    table: bool = False  # read from a table: the same figure in the prose gives its standing

    def key(self) -> tuple:
        return (self.year, self.months, self.region, self.metric)


@dataclass
class Unmapped:
    """A figure read but filed under no metric: its phrase meets no rule, or it is a part of a wider figure."""

    value: float
    unit: str
    phrase: str
    reason: str
    start: int
    end: int


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    city: CityDetection | None = None


@dataclass
class _Item:
    """One figure's reading in its sentence (offsets in the sentence)."""

    q: Quantity
    depth: int
    start: int  # of its phrase
    pre: str
    own: Features
    features: Features
    mentions: list[Mention]
    head: bool  # its phrase names what it counts (a noun), so figures after it may continue it
    regions: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    excluded: str | None = None
    rule: Rule | None = None
    year: int | None = None
    months: int | None = None
    period_kind: str = "cumulative"
    period_text: str = ""
    plan_pct: float | None = None
    yoy_pct: float | None = None
    share: bool = False
    note: str | None = None
    end: int = 0
    population: _Item | None = None
    respective: list[float] | None = None  # values of a 分别为 list this item heads
    quote_start: int = 0
    sentence: str = ""
    target: str | None = None
    floor: int = 0  # end of the figure before it in the sentence


_MAX_DEPTH = 4  # bracket depths kept apart; deeper ones (a page of unbalanced brackets) share the last


class _Trail:
    """The figures read so far in a sentence, by bracket depth: the nearest one at the same or a lower depth,
    and the nearest count and amount that name what they count, in constant time per figure."""

    def __init__(self):
        self.last: list[_Item | None] = [None] * (_MAX_DEPTH + 1)
        self.count: list[_Item | None] = [None] * (_MAX_DEPTH + 1)
        self.amount: list[_Item | None] = [None] * (_MAX_DEPTH + 1)
        self.ends: list[int] = [0] * (_MAX_DEPTH + 1)  # end of the last figure (percentages too) at each depth
        self.outer: _Item | bool | None = False  # the words a headless county list hangs from (False: not looked up)

    @staticmethod
    def _nearest(slots, depth: int):
        best = None
        for slot in slots[: min(depth, _MAX_DEPTH) + 1]:
            if slot is not None and (best is None or slot.q.start > best.q.start):
                best = slot
        return best

    def chain(self, depth: int) -> _Item | None:
        return self._nearest(self.last, depth)

    def count_head(self, depth: int) -> _Item | None:
        return self._nearest(self.count, depth)

    def amount_head(self, depth: int) -> _Item | None:
        return self._nearest(self.amount, depth)

    def end_before(self, depth: int) -> int:
        return max(self.ends[: min(depth, _MAX_DEPTH) + 1])

    def add(self, item: _Item) -> None:
        depth = min(item.depth, _MAX_DEPTH)
        for deeper in range(depth + 1, _MAX_DEPTH + 1):  # a closed bracket's figures are not continued
            self.last[deeper] = self.count[deeper] = self.amount[deeper] = None
        self.last[depth] = item
        if item.head and item.q.unit == "个":
            self.count[depth] = item
        elif item.head and item.q.unit == "亿元":
            self.amount[depth] = item

    def passed(self, quantity, depth: int) -> None:
        depth = min(depth, _MAX_DEPTH)
        self.ends[depth] = max(self.ends[depth], quantity.end)
        for deeper in range(depth + 1, _MAX_DEPTH + 1):
            self.ends[deeper] = 0


@dataclass
class _Frame:
    """What a sentence hands to the next one when that one continues it (其中…, 分别为…): its headline figure,
    and the last count headline ("全市新引进…198个。…实际到位资金926.7亿元。分县市区看，…各引进26个")."""

    item: _Item
    count: _Item | None = None


class ExtractionBudgetExceeded(InputError):
    """Extraction of one text ran past its time budget (``settings.EXTRACT_SECONDS``)."""


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
    city = detection.name or CITY_UNKNOWN
    home = detection.home_unit or city
    matcher = RegionMatcher(detection.region, detection.name)

    doc_year = document_year(text, published)
    doc_months = document_period(text, doc_year)
    if doc_months is None:
        review_year = whole_year(text, published)  # "2021年，全市新签约…" published in 2022: all of 2021
        if review_year is not None:
            doc_months, doc_year = 12, review_year
    if doc_months is None:
        doc_months = month_end_date(text, doc_year)  # "截至7月31日" as the only date: January..July
    if doc_months is None:
        day_date = first_day_date(text)
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

    context = _Context(lexicon, matcher, city, home, doc_year, doc_months, out)
    frame: _Frame | None = None
    heading: _Frame | None = None
    pending_breakdown = False
    for s_start, s_end in sentences(text):
        budget.at(s_start)
        if deadline is not None and time.monotonic() > deadline:
            raise ExtractionBudgetExceeded(f"stopped at character {s_start:,} of {len(text):,}")
        sentence = text[s_start:s_end]
        stripped = STRIPPED_RE.search(sentence)  # before the number test: a fully stripped sentence has none
        if stripped:
            out.warnings.append(
                f"a figure's number is missing (digits stripped?) at “{stripped.group(0)}” in “{sentence.strip()[:120]}”: no fact taken"
            )
        overlong = _OVERLONG_RE.search(sentence)
        if overlong:
            out.warnings.append(
                f"a number of more than {MAX_DIGITS} digits is not a bulletin's figure: “{overlong.group(0)[:40]}…”; not read"
            )
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
    context.tables(text)
    reconcile(out, text)
    check_unit_sums(out, detection.region, city)
    return out


def _say_city(detection: CityDetection, out: Extraction) -> None:
    if detection.given and detection.evidence and detection.evidence[0].startswith("the text names"):
        out.warnings.append(
            f"{detection.evidence[0]}, not {detection.name}; its figures are filed under {detection.name} as asked"
        )
    if detection.name is None:
        out.warnings.append(
            f"the text names no city (no city name, no county of a known city): city-wide figures are filed under "
            f"“{CITY_UNKNOWN}”; give the city with --region NAME"
        )
    elif detection.region is None:
        out.warnings.append(f"{detection.name} is not a known region: its counties cannot be placed")
    elif detection.region.profile is None:
        out.warnings.append(
            f"{detection.name} has no region profile: its counties come from the national division list only (no "
            f"development zones, aliases or English names); add src/jzanalysis/regions/profiles/{detection.name}.toml"
        )
    if detection.home_unit:
        out.warnings.append(
            f"the bulletin is about {detection.home_unit} (全区/全县 figures are filed under it), not all of {detection.name}"
        )


class _Context:
    """Reads sentences one by one with what the whole document fixes (lexicon, region, year, months)."""

    def __init__(self, lexicon: Lexicon, matcher: RegionMatcher, city: str, home: str, doc_year, doc_months, out):
        self.lexicon, self.matcher, self.city, self.home = lexicon, matcher, city, home
        self.doc_year, self.doc_months, self.out = doc_year, doc_months, out
        self.unknown_reported: set[str] = set()
        self.headline: _Item | None = None

    # ---------------------------------------------------------------------------------------- tables

    def tables(self, text: str) -> None:
        """Figures of tables flattened to text (see :mod:`.tables`), dated by the table's title."""
        for cell in find_tables(text, self.lexicon, self.matcher):
            marks = list(period_mentions(cell.title, self.doc_year))
            period = marks[-1] if marks else None
            if period is not None and period.kind != "cumulative":
                continue  # a table of one month
            months = period.months if period is not None else self.doc_months
            year_mark = YEAR_MARK_RE.search(cell.title)
            year = int(year_mark.group("y")) if year_mark and year_mark.group("y") else self.doc_year
            region = self.city if cell.city else cell.region
            if not cell.known and region not in self.unknown_reported:
                self.unknown_reported.add(region)
                owner = self.matcher.region.name if self.matcher.region is not None else self.city
                self.out.warnings.append(
                    f"{region} is not in {owner}'s profile: its figures are kept under its own name (table “{cell.title}”)"
                )
            # a cell's own figure, rule and place in the text; the row's region and the table's period
            same = ("metric", "value", "start", "end", "rule", "phrase", "breadth", "plan_pct", "yoy_pct")
            city = self.city if self.city != CITY_UNKNOWN else None
            given = {name: getattr(cell, name) for name in same}
            self.out.facts.append(Fact(year=year, months=months, region=region, city=city, table=True, **given))

    # ---------------------------------------------------------------------------------------- headings

    def heading(self, sentence: str) -> _Frame | None:
        """A short line without figures that names a metric ("一、亿元以上新签约项目情况") frames a county
        list that follows it."""
        line = sentence.strip()
        if not line or len(line) > 40:
            return None
        features = read_phrase(line, self.lexicon)
        if features.object is None and features.kind is None:
            return None
        item = _Item(
            Quantity(0.0, "个" if features.kind is None else "亿元", 0, 0, ""),
            0,
            0,
            line,
            features,
            features,
            [],
            True,
            regions=[self.home],
            year=self.doc_year,
            months=self.doc_months,
        )
        return _Frame(item, item if item.q.unit == "个" else None)

    def headline_frame(self) -> _Frame | None:
        """The bulletin's headline count (its first city-wide count read as a metric), for county lists that
        break it down without naming it."""
        return _Frame(self.headline, self.headline) if self.headline is not None else None

    def elliptic(self, sentence: str, found: list[Quantity]) -> bool:
        """True when the sentence opens with county figures that name nothing counted ("荆州区18个。"): an
        elliptical continuation of the sentence before it."""
        first = next((q for q in found if q.unit not in ("%", "个百分点")), None)
        if first is None:
            return False
        pre = sentence[: first.start]
        features = read_phrase(pre, self.lexicon)
        named = [m for m in self.matcher.mentions(pre) if not m.city]
        return (
            bool(named)
            and features.object is None
            and features.kind is None
            and features.stage is None
            and features.floor is None
        )

    # ---------------------------------------------------------------------------------------- sentences

    def sentence(
        self,
        sentence: str,
        s_start: int,
        inherited: _Frame | None,
        previous: _Frame | None = None,
        breakdown: bool = False,
        found: list[Quantity] | None = None,
    ) -> _Frame | None:
        all_quantities = quantities(sentence) if found is None else found
        if not all_quantities:
            return inherited if inherited is not None else None
        depths = paren_depths(sentence)
        mentions_of_periods = period_mentions(sentence, self.doc_year)
        items: list[_Item] = []
        floors: dict[int, int] = {}
        previous_end = 0
        all_quantities = [q for q in all_quantities if not q.weak or _listed(sentence, q)]
        trail = _Trail()
        mark_ends = [m.end for m in mentions_of_periods]
        for index, q in enumerate(all_quantities):
            floors[id(q)] = previous_end
            if q.unit == "%":  # a percentage's words may reach over a figure in brackets: "目标（24个）的79.2%"
                floors[id(q)] = trail.end_before(depths[q.start])
            if q.unit in ("%", "个百分点"):
                trail.passed(q, depths[q.start])
                if q.unit == "%":
                    rate = self._rate_item(
                        sentence, q, previous_end, depths, trail, inherited, mentions_of_periods, mark_ends
                    )
                    if rate is not None:
                        items.append(rate)
                previous_end = q.end
                continue
            next_start = all_quantities[index + 1].start if index + 1 < len(all_quantities) else len(sentence)
            item = self._item(
                sentence, q, previous_end, next_start, depths, trail, inherited, mentions_of_periods, mark_ends
            )
            items.append(item)
            trail.add(item)
            trail.passed(q, item.depth)
            previous_end = q.end
        if items:
            # "全年目标：新签约…350个，签约资金2800亿元", "下半年力争…": a target before the first figure covers them all
            lead = self.lexicon.matchers["target"].search(normalise(sentence[: items[0].q.start], self.lexicon))
            if lead:
                for item in items:
                    if not (
                        lead.group(0) == "预计" and ("实际" in item.own.text or "已" in item.own.text)
                    ):  # "预计…222个，实际到位…867.1亿元"
                        item.target = item.target or lead.group(0)
        if breakdown:
            for item in items:
                if item.q.unit in ("个", "亿元") and item.regions == [self.home] and not item.own.city_named:
                    # "从招商方式看，以商招商签约项目43个": a part of the total by another dimension than county
                    item.rule, item.excluded = None, "a part of the total broken down by something other than county"
        self._percentages(sentence, [q for q in all_quantities if q.unit == "%"], floors, depths, items)
        self._respective_lists(sentence, items)
        for item in items:
            self._emit(item, sentence, s_start)
            if (
                self.headline is None
                and item.rule is not None
                and item.q.unit == "个"
                and item.head
                and item.regions == [self.home]
                and not item.excluded
                and not item.target
                and item.period_kind == "cumulative"
                and item.year == self.doc_year
                and item.months == self.doc_months
                and (item.features.floor or 0) <= 1e8
            ):
                # the first count of the city's own new projects (not a 10亿元 part of it): what county lists break down
                self.headline = item
        heads = [i for i in items if i.head and i.depth == 0 and i.q.unit == "个" and not i.excluded]
        heads = heads or [i for i in items if i.head and i.depth == 0 and not i.excluded]
        if inherited is not None and (not heads or heads[0].own.subset):
            return inherited  # "其中10亿元以上项目54个。": the next sentence still continues the headline
        if not heads:
            return None
        counts = [h for h in heads if h.q.unit == "个"]
        previous_count = previous.count if previous is not None else None
        return _Frame(heads[0], counts[0] if counts else previous_count)

    def _item(self, sentence, q, floor, next_start, depths, trail: _Trail, inherited, period_marks, mark_ends) -> _Item:
        depth = depths[q.start]
        start = phrase_start(sentence, q.start, floor, depths)
        pre = sentence[start : q.start]
        post = phrase_after(sentence, q, next_start)
        own = read_phrase(pre + post, self.lexicon)
        mentions = self.matcher.mentions(pre)
        chain = trail.chain(depth) or (inherited.item if inherited else None)
        count_head = trail.count_head(depth)
        head = own.object is not None or own.floor is not None or own.kind is not None or own.band
        if count_head is None and not head and q.unit in ("个", "亿元"):
            # the words a list hangs from in its own sentence ("10亿元以上项目中，如皋市、海安市各9个") come before
            # what the sentence before it was about
            if trail.outer is False:
                trail.outer = self._outer_phrase(sentence, start, depths)
            count_head = trail.outer
        count_head = count_head or (inherited.count if inherited else None)
        amount_head = trail.amount_head(depth)
        item = _Item(
            q,
            depth,
            start,
            pre,
            own,
            own,
            mentions,
            head,
            end=q.end + len(post),
            quote_start=start,
            sentence=sentence,
            floor=floor,
        )

        # What the figure continues: scope and the words rules require from the figure before it; what is
        # counted from the count it belongs to (a county list, 已开工N个, an amount's projects).
        scope = own.scope if own.scope in ("resident", "leader", "city_own", "grouping") else None
        if (
            scope is None
            and not own.city_named
            and not mentions
            and chain is not None
            and chain.features.scope in ("resident", "leader")
        ):
            scope = chain.features.scope
        text = own.text
        if chain is not None and not head:
            text = f"{chain.own.text}…{own.text}"
        if mentions and own.restrictions:
            masked = list(pre)
            for m in mentions:
                masked[m.start : m.end] = "□" * (m.end - m.start)
            own = Features(
                **{**own.__dict__, "restrictions": read_phrase("".join(masked) + post, self.lexicon).restrictions}
            )
        around = (
            tuple(
                m.group(0)
                for m in self.lexicon.matchers["restriction"].finditer(
                    self.lexicon.matchers["neutral"].sub("□", sentence[max(floor, start - 40) : start])
                )
            )
            if start > floor
            else ()
        )
        features = Features(
            **{
                **own.__dict__,
                "scope": scope,
                "text": text,
                "restrictions": tuple(dict.fromkeys((*own.restrictions, *around))),
            }
        )
        independent = own.floor is not None or (own.object not in (None, "project")) or own.band
        population = count_head
        if (
            own.kind == "funds"
            and count_head is not None
            and count_head.sentence is sentence
            and re.search("[；;]", sentence[count_head.q.end : start])
        ):
            population = None  # "…外资方面,已签约项目2个;内联引资方面,实际利用内资54亿元": a new topic's funds
        if q.unit == "个":
            if count_head is not None:
                features = _continue(features, count_head, independent)
        elif q.unit == "亿元":
            if population is not None:
                features = _continue(features, population, False, amount=True)
            if features.kind is None and amount_head is not None and not own.text.strip(" 、,，其中"):
                features = Features(**{**features.__dict__, "kind": amount_head.features.kind})
            item.population = population
        elif chain is not None:
            features = _continue(features, chain, True)
        item.features = features

        self._place(item, chain, inherited)
        self._date(item, sentence, chain, inherited, period_marks, mark_ends)
        unit = q.unit
        # an amount's own words name its projects' stage when no count precedes it ("新签约项目计划总投资1645亿元")
        population_stage = (
            population.features.stage if population is not None else (features.stage if unit == "亿元" else None)
        )
        item.rule = classify(features, unit, self.lexicon, population_stage)
        if _TARGET_AFTER.match(sentence, q.end) or (
            depth and _TARGET_BRACKET.search(sentence, max(0, start - 12), start)
        ):
            item.target = "目标"  # "紧盯全年引进亿元以上项目350个的目标", "完成年度目标（24个）的79.2%"
        if (
            chain is not None
            and chain.sentence is sentence
            and (chain.own.target or chain.target)
            and re.fullmatch(r"\s*[、和及与]\s*", sentence[chain.end : start] or "、")
        ):
            item.target = chain.own.target or chain.target  # "力争新签约…250个、实际到位资金突破560亿元"
        if item.rule is None and features.restrictions:
            item.excluded = item.excluded or f"a part of the total ({'、'.join(features.restrictions)})"
        if features.comparison:
            item.rule, item.excluded = None, "a difference against another period"
        if _PLAUSIBLE.get(unit) is not None and q.value > _PLAUSIBLE[unit]:
            item.excluded = f"{q.number}{unit} is beyond any plausible figure of a bulletin"
        return item

    def _outer_phrase(self, sentence: str, start: int, depths: list[int]) -> _Item | None:
        """The words a county list hangs from when no figure precedes it: "6月底又集中签约了一批项目(其中,监利县
        10个…)" — the clauses before the list, up to three back, until they name what is counted."""
        position = start
        for _ in range(3):
            position -= 1
            while position > 0 and sentence[position] in " 、":
                position -= 1
            if position <= 0:
                return None
            begin = phrase_start(sentence, position, 0, depths)
            words = sentence[begin:position]
            features = read_phrase(words, self.lexicon)
            if features.object is not None or features.kind is not None:
                return _Item(
                    Quantity(0.0, "个", position, position, ""),
                    depths[position],
                    begin,
                    words,
                    features,
                    features,
                    [],
                    True,
                )
            position = begin
        return None

    def _rate_item(self, sentence, q, floor, depths, trail: _Trail, inherited, period_marks, mark_ends) -> _Item | None:
        """A percentage whose phrase names a rate (开工率为78.1%) is a figure of its own."""
        start = phrase_start(sentence, q.start, floor, depths)
        pre = sentence[start : q.start]
        if "率" not in pre[-8:]:
            return None
        own = read_phrase(pre, self.lexicon)
        item = _Item(
            q,
            depths[q.start],
            start,
            pre,
            own,
            own,
            self.matcher.mentions(pre),
            False,
            end=q.end,
            quote_start=start,
            sentence=sentence,
            floor=floor,
        )
        chain = trail.chain(depths[q.start])
        self._place(item, chain, inherited)
        self._date(item, sentence, chain, inherited, period_marks, mark_ends)
        item.rule = classify(own, "%", self.lexicon)
        return item

    # ---------------------------------------------------------------------------------------- regions

    def _place(self, item: _Item, chain: _Item | None, inherited: _Frame | None) -> None:
        own = item.own
        units = [m for m in item.mentions if not m.city]
        if own.scope == "grouping" and not units:
            item.excluded = "a group of counties, not one county-level unit"
        elif own.scope == "city_own" and not units:
            item.excluded = "the city's own level (市本级, 市直/州直 units), neither the city's total nor a county's"
        if units:
            item.regions = [m.name for m in units]
            item.unknown = [m.name for m in units if not m.known]
            item.notes = {m.name: m.note for m in units if m.note}
            item.quote_start = item.start + units[0].start
            if len(units) > 1:
                after_names = item.pre[units[-1].end :]
                if "各" in after_names:
                    pass  # "公安县、监利县各23个", "监利县、公安县各引进26个": each
                elif "分别" in after_names:
                    item.respective = []  # "枣阳市、谷城县分别引进亿元以上项目32个、29个"
                else:
                    item.excluded = "names more than one county"
        elif self._unplaced(item, chain):
            pass
        elif re.search(r"分别(?:为|是)?[:：]?\s*$", item.pre) and self._names_before(item):
            pass  # "共青城市、瑞昌市、九江经开区…位居全市前三，分别为32个、29个、28个": names in the clause before
        elif own.city_named or any(m.city for m in item.mentions):
            item.regions = [self.city]
        elif own.unit_self:
            item.regions = [self.home]
        elif chain is not None:
            item.regions = list(chain.regions[-1:]) or [self.home]
            item.unknown = [r for r in chain.unknown if r in item.regions]
            if chain.excluded and chain.excluded.startswith(("a group", "the city's own")):
                item.excluded = item.excluded or chain.excluded
        elif inherited is not None:
            item.regions = list(inherited.item.regions[-1:]) or [self.home]
        else:
            item.regions = [self.home]

    def _unplaced(self, item: _Item, chain: _Item | None) -> bool:
        """A list item whose words are a name that is no known county and not county-like: it is not given the
        county before it; it is reported as a name that could not be placed."""
        words = item.pre.strip(" \u3000、,，;；:：")
        if (
            chain is None
            or chain.sentence is not item.sentence
            or not chain.mentions
            or not words
            or len(words) > 12
            or not re.fullmatch(r"[\u4e00-\u9fff（）()]+", words)
        ):
            return False
        features = item.own
        if (
            features.object
            or features.kind
            or features.stage
            or features.floor
            or features.scope
            or features.city_named
        ):
            return False
        item.excluded = f"names “{words}”, which is not a county of the city's profile and not placed"
        return True

    def _names_before(self, item: _Item) -> bool:
        """For a bare "分别为32个、29个…": the county names of the clause before it (set on ``item``)."""
        sentence = item.sentence
        end = item.start - 1
        if end <= 0:
            return False
        begin = max(0, end - 60)
        clause = sentence[begin:end]
        cut = max(clause.rfind(c) for c in "，,;；。") + 1
        names = [m for m in self.matcher.mentions(clause[cut:]) if not m.city]
        if len(names) < 2:
            return False
        item.regions = [m.name for m in names]
        item.unknown = [m.name for m in names if not m.known]
        item.quote_start = begin + cut + names[0].start
        item.respective = []
        return True

    # ---------------------------------------------------------------------------------------- dates

    def _date(
        self,
        item: _Item,
        sentence: str,
        chain,
        inherited: _Frame | None,
        marks: list[PeriodMention],
        mark_ends: list[int],
    ) -> None:
        index = bisect.bisect_right(mark_ends, item.q.start)
        period = marks[index - 1] if index else None
        if period is not None:
            item.period_kind, item.months, item.period_text = period.kind, period.months, period.text
        elif inherited is not None:
            source = inherited.item
            item.period_kind, item.months, item.period_text = source.period_kind, source.months, source.period_text
        else:
            item.months = self.doc_months
        item.year = self.doc_year
        if inherited is not None and period is None and inherited.item.year is not None:
            item.year = inherited.item.year
        source = item.population if item.q.unit == "亿元" else (chain if not item.head else None)
        if source is not None and source.sentence == sentence and source.year is not None:
            # "2014年…引进32个…,已投产2个": a figure that continues another is of that figure's year
            item.year, item.months, item.period_kind = source.year, source.months, source.period_kind
        # the year a figure is about is named since the figure before it ("上年同期为118个 全市实际到位…" is not 2017's)
        lower = max(item.floor, item.q.start - _LOOKBACK)
        year_marks = list(YEAR_MARK_RE.finditer(sentence, lower, item.q.start))
        if not year_marks:
            return
        if period is not None and period.start >= lower:
            item.period_kind, item.months, item.period_text = period.kind, period.months, period.text
        mark = year_marks[-1]
        if mark.group("y"):
            year = int(mark.group("y"))
        elif self.doc_year is None:
            if mark.group("rel") in ("去年", "上年"):
                item.excluded = item.excluded or "a figure of last year, and the bulletin's year is unknown"
            return
        else:
            year = self.doc_year - 1 if mark.group("rel") in ("去年", "上年") else self.doc_year
        if self.doc_year is None:
            item.year = year
            return
        if year < self.doc_year:
            item.year = year
            if not mark.group("same") and not (period is not None and period.start >= mark.start()):
                item.months, item.period_kind = 12, "cumulative"
        elif year == self.doc_year:  # "…增加到今年的112个": this year's figure, whatever came before it
            item.year = year
            if period is None or period.start < lower:
                item.months, item.period_kind = self.doc_months, "cumulative"
        else:  # a later year: a plan for it ("2020年，全州将力争…"), never this year's figure
            item.year = year
            item.target = item.target or f"{year}年"

    # ---------------------------------------------------------------------------------------- percentages

    def _percentages(
        self, sentence: str, percents: list[Quantity], floors: dict[int, int], depths, items: list[_Item]
    ) -> None:
        groups = percent_groups(sentence, percents, [floors[id(p)] for p in percents])
        figures = [i for i in items if i.q.unit != "%"]
        ends = [i.q.end for i in figures]
        paired_until: dict[str, int] = {}  # per kind: "分别完成…、…，同比分别增长…、…" pair the same figures twice
        for group in groups:
            depth = depths[group.first]
            if group.kind == "other":
                continue

            def before(limit: int = 12, group=group, depth=depth):
                """The figures before the group, nearest first, that a percentage can be about: not a difference
                ("较上年同期增加16个，同比增长8.1%"), not deeper in brackets ("目标（24个）的79.2%")."""
                found = []
                for i in range(bisect.bisect_right(ends, group.first) - 1, -1, -1):
                    figure = figures[i]
                    if figure.depth <= depth and not figure.features.comparison:
                        found.append(figure)
                        if len(found) == limit:
                            break
                return found[::-1]

            if group.respective or len(group.values) > 1:
                candidates = [
                    i
                    for i in before(len(group.values) * 4)
                    if i.q.start >= paired_until.get(group.kind, 0) and i.depth == depth
                ]
                paired_until[group.kind] = group.end
                chosen = _pick(candidates, len(group.values))
                if chosen is None:
                    if group.respective or any(i.plan_pct is None for i in before(2)):
                        if group.kind == "plan" and not group.respective:
                            self.out.warnings.append(
                                f"two plan shares “{sentence[group.start : group.end]}” not tied to figures one to one; not assigned"
                            )
                        elif group.respective:
                            self.out.warnings.append(
                                f"a 分别 list of percentages “{sentence[group.start : group.end]}” cannot be paired with the figures before it; not assigned"
                            )
                    continue
                for target, value in zip(chosen, group.values):
                    self._attach(group, target, value, sentence)
                continue
            nearest = before(1)
            if not nearest:
                continue
            self._attach(group, nearest[-1], group.values[0], sentence)

    def _attach(self, group, target: _Item, value: float, sentence: str) -> None:
        if (
            group.kind == "plan"
            and target.q.unit == "亿元"
            and target.own.kind == "total"
            and target.population is not None
            and target.population.sentence == sentence
            and target.population.plan_pct is None
        ):
            target = target.population  # "项目23个，总投资156.8亿元，完成全年目标任务的57.5%": the count's plan
        if group.kind == "plan":
            if target.plan_pct is None:
                if not 0 < value <= 1000:
                    self.out.warnings.append(
                        f"a plan share of {value:g}% is not plausible (allowed: 0–1000%): “{sentence[group.start : group.end]}”; not used"
                    )
                    return
                target.plan_pct = value
                target.end = max(target.end, group.end)
        elif group.kind == "share":
            target.share = True
        elif group.kind == "growth":
            if group.negative and group.signed:
                self.out.warnings.append(
                    f"growth written as a double negative “{sentence[group.start : group.end]}”: unclear, yoy_pct left empty"
                )
                return
            value = -value if group.negative or group.signed else value
            if group.base_year is not None and (target.year is None or group.base_year != target.year - 1):
                self.out.warnings.append(
                    f"growth against {group.base_year} (not the previous year) is not year-on-year: “{sentence[group.start : group.end]}”; yoy_pct left empty"
                )
                target.note = (
                    f"较{group.base_year}年同期增长{abs(value):g}%（非同比）"
                    if value >= 0
                    else f"较{group.base_year}年同期下降{abs(value):g}%（非同比）"
                )
                return
            if target.yoy_pct is None and -100 <= value <= 100_000:
                target.yoy_pct = value
                target.end = max(target.end, group.end)

    # ---------------------------------------------------------------------------------------- 分别 lists

    def _respective_lists(self, sentence: str, items: list[_Item]) -> None:
        """ "公安县、监利县、石首市分别为25个、24个、20个": the n-th name gets the n-th value."""
        for index, item in enumerate(items):
            if item.respective is None:
                continue
            followers = []
            for other in items[index + 1 :]:
                between = sentence[followers[-1].q.end if followers else item.q.end : other.q.start]
                if other.q.unit != item.q.unit or not re.fullmatch(r"\s*[、,，和及]\s*", between):
                    break
                followers.append(other)
            values = [item, *followers]
            quote = sentence[item.quote_start : values[-1].q.end]
            if len(values) != len(item.regions):
                self.out.warnings.append(
                    f"a 分别 list whose names and values cannot be paired one to one: “{quote}”; not kept"
                )
                for follower in values:
                    follower.excluded = "in a 分别 list that cannot be paired"
                continue
            regions, unknown = list(item.regions), list(item.unknown)
            for follower, region in zip(values, regions):
                follower.regions = [region]
                follower.unknown = [region] if region in unknown else []
                follower.rule, follower.features = item.rule, item.features
                follower.excluded = item.excluded
                follower.year, follower.months, follower.period_kind = item.year, item.months, item.period_kind
                follower.quote_start = item.quote_start
                follower.end = max(follower.end, values[-1].q.end)
            item.respective = None

    # ---------------------------------------------------------------------------------------- facts

    def _emit(self, item: _Item, sentence: str, s_start: int) -> None:
        budget.check()
        out = self.out
        phrase = item.features.text
        quote = sentence[item.quote_start : item.end]
        if item.rule is None:
            if item.q.unit not in ("个百分点",) and (item.q.unit != "%"):
                reason = item.excluded or "no metric for this phrase"
                out.unmapped.append(
                    Unmapped(
                        item.q.value, item.q.unit, item.own.text, reason, s_start + item.quote_start, s_start + item.end
                    )
                )
            return
        metric = item.rule.metric
        skip = item.excluded
        if skip is None and (item.own.target or item.target):
            skip = "is a target or plan, not a result"
        if skip is None and item.period_kind == "single" and metric != "batch_signings_june":
            skip = f"is a single month's or quarter's figure (“{item.period_text}”), not a January..M total"
        if skip is None and item.period_kind == "day":
            skip = f"is dated to a day ({item.period_text}), not to a month's end"
        if skip is None and item.months is None:
            skip = "has no period"
        if skip is not None:
            out.warnings.append(
                f"a figure {skip}: “{sentence[max(0, item.q.start - 30) : item.end].strip()}”; not kept"
            )
            return
        months = 6 if metric == "batch_signings_june" else item.months
        note = item.note
        if (
            item.rule.note_other_year
            and item.year is not None
            and self.doc_year is not None
            and item.year < self.doc_year
        ):
            note = item.rule.note_other_year.format(year=item.year)
        for region in item.regions:
            if region in item.unknown and region not in self.unknown_reported:
                self.unknown_reported.add(region)
                owner = (
                    self.matcher.region.name
                    if self.matcher.region is not None
                    else (self.city if self.city != CITY_UNKNOWN else "the city")
                )
                out.warnings.append(
                    f"{region} is not in {owner}'s profile: its figures are kept under its own name (“{quote}”)"
                )
            fact_note = "；".join(n for n in (item.rule.note, item.notes.get(region), note) if n) or None
            population = item.population.features if item.population is not None else item.features
            breadth = (
                int(item.features.subset or item.own.subset),
                int(item.share),
                1 if population.object == "industrial" else 0,
                population.floor or 0.0,
            )
            out.facts.append(
                Fact(
                    year=item.year,
                    months=months,
                    region=region,
                    metric=metric,
                    value=METRICS[metric].to_unit(item.q.value, item.q.unit)
                    if item.q.unit in METRICS[metric].convert
                    else item.q.value,  # 5008万美元 → 0.5008亿美元
                    start=s_start + item.quote_start,
                    end=s_start + item.end,
                    plan_pct=item.plan_pct if len(item.regions) == 1 else None,
                    yoy_pct=item.yoy_pct if len(item.regions) == 1 else None,
                    qualifier=item.own.qualifier,
                    note=fact_note,
                    rule=item.rule.id,
                    phrase=phrase,
                    city=self.city if self.city != CITY_UNKNOWN else None,
                    breadth=breadth,
                )
            )


def _listed(sentence: str, q: Quantity) -> bool:
    """A single Chinese numeral is a figure only in a list: after a county's name, 各, 为 or a list comma."""
    before = sentence[max(0, q.start - 3) : q.start]
    return bool(re.search(r"(?:县|市|区|各|为|、|是|项目|共|计)$", before))


def _continue(features: Features, head: _Item, independent: bool, amount: bool = False) -> Features:
    """``features`` with what its phrase does not say taken from ``head`` (the figure it belongs to)."""
    source = head.features
    values = dict(features.__dict__)
    if amount:
        # an amount's own words are its kind; what it is the amount of comes from its projects
        values["stage"] = features.stage if features.stage is not None else source.stage
        values["floor"], values["band"], values["object"] = source.floor, source.band, source.object
        values["restrictions"] = tuple(dict.fromkeys((*features.restrictions, *source.restrictions)))
        values["subset"] = features.subset or source.subset
        values["scope"] = features.scope or (source.scope if source.scope in ("resident", "leader") else None)
        return Features(**values)
    if values["stage"] is None:
        values["stage"] = source.stage
    if features.floor is None and not features.band:
        values["floor"], values["band"] = source.floor, source.band
        if features.object in (None, "project") and source.object in ("industrial", "all"):
            values["object"] = source.object
    if values["object"] is None:
        values["object"] = source.object
    if not independent or features.subset:  # "其中10亿元以上项目16个" of one event is the event's too
        values["restrictions"] = tuple(dict.fromkeys((*features.restrictions, *source.restrictions)))
        values["subset"] = features.subset or source.subset
    if values["scope"] is None and source.scope in ("resident", "leader"):
        values["scope"] = source.scope
    if head.own.text and head.own.text not in features.text:
        values["text"] = f"{head.own.text}…{features.text}"
    return Features(**values)


def _pick(candidates: list[_Item], n: int) -> list[_Item] | None:
    """The figures a list of n percentages pairs with, in order: all of them when they are n, else the
    counts or the amounts when those are n ("…43个,总投资226.51亿元,…14个,…8个,分别完成…143%、140%、160%")."""
    if len(candidates) == n:
        return candidates
    for unit in ("个", "亿元"):
        subset = [c for c in candidates if c.q.unit == unit]
        if len(subset) == n:
            return subset
    return None
