"""Reading a bulletin sentence by sentence with what the whole document fixes (lexicon, region, year, months):
a :class:`Reader` reads each sentence's figures in order (:mod:`.classify`, which places and dates them with
:mod:`.place` and :mod:`.period`), attaches percentages and 分别 lists (:mod:`.attribute`), emits facts
(:mod:`.emit`), and hands the sentence's headline figure to the next one (其中…, 分别为…, county lists)."""

from __future__ import annotations

from .attribute import attach_percentages, pair_respective, pair_stages
from .classify import is_listed, read_item, read_rate
from .clauses import paren_depths
from .dates import period_mentions
from .emit import emit_item
from .items import Frame, Item, Trail
from .lexicon import Lexicon, normalise, read_phrase
from .numerals import Quantity, quantities
from .regions import RegionMatcher


class Reader:
    """Reads sentences one by one with what the whole document fixes (lexicon, region, year, months)."""

    def __init__(self, lexicon: Lexicon, matcher: RegionMatcher, city: str, home: str, doc_year, doc_months, out):
        self.lexicon, self.matcher, self.city, self.home = lexicon, matcher, city, home
        self.doc_year, self.doc_months, self.out = doc_year, doc_months, out
        self.unknown_reported: set[str] = set()
        self.headline: Item | None = None
        self.writing_year = doc_year  # the year the text was written in: 去年 is the year before it
        self.last_year_review = False  # the text reviews 去年 as a whole: its 去年 is its own year (year unknown)
        # a county-level city's own bulletin: its 全市/我市 are that city, not the prefecture
        self.home_says_city = home != city and home.endswith("市")

    def heading(self, sentence: str) -> Frame | None:
        """A short line without figures that names a metric ("一、亿元以上新签约项目情况") frames a county
        list that follows it."""
        line = sentence.strip()
        if not line or len(line) > 40:
            return None
        features = read_phrase(line, self.lexicon)
        if features.object is None and features.kind is None:
            return None
        item = Item(
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
        return Frame(item, item if item.q.unit == "个" else None)

    def headline_frame(self) -> Frame | None:
        """The bulletin's headline count (its first city-wide count read as a metric), for county lists that
        break it down without naming it."""
        return Frame(self.headline, self.headline) if self.headline is not None else None

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

    def sentence(
        self,
        sentence: str,
        s_start: int,
        inherited: Frame | None,
        previous: Frame | None = None,
        breakdown: bool = False,
        found: list[Quantity] | None = None,
    ) -> Frame | None:
        all_quantities = quantities(sentence) if found is None else found
        if not all_quantities:
            return inherited if inherited is not None else None
        depths = paren_depths(sentence)
        all_quantities = [q for q in all_quantities if not q.weak or is_listed(sentence, q)]
        items, floors = self._read_figures(sentence, all_quantities, depths, inherited)
        self._mark_lead_target(sentence, items)
        if breakdown:
            for item in items:
                if item.q.unit in ("个", "亿元") and item.regions == [self.home] and not item.own.city_named:
                    # "从招商方式看，以商招商签约项目43个": a part of the total by another dimension than county
                    item.rule, item.excluded = None, "a part of the total broken down by something other than county"
        attach_percentages(self, sentence, [q for q in all_quantities if q.unit == "%"], floors, depths, items)
        pair_respective(self, sentence, items)
        pair_stages(self, sentence, items)
        for item in items:
            emit_item(self, item, sentence, s_start)
            if self.headline is None and self._is_headline(item):
                # the first count of the city's own new projects (not a 10亿元 part of it): what county lists break down
                self.headline = item
        return self._frame(items, inherited, previous)

    def _read_figures(
        self, sentence: str, all_quantities: list[Quantity], depths: list[int], inherited: Frame | None
    ) -> tuple[list[Item], dict[int, int]]:
        """Each figure of the sentence read in order (a rate as a figure of its own), and where each
        percentage's words may begin."""
        mentions_of_periods = period_mentions(sentence, self.doc_year)
        items: list[Item] = []
        floors: dict[int, int] = {}
        previous_end = 0
        trail = Trail()
        mark_ends = [m.end for m in mentions_of_periods]
        for index, q in enumerate(all_quantities):
            floors[id(q)] = previous_end
            if q.unit == "%":  # a percentage's words may reach over a figure in brackets: "目标（24个）的79.2%"
                floors[id(q)] = trail.end_before(depths[q.start])
            if q.unit in ("%", "个百分点"):
                trail.passed(q, depths[q.start])
                if q.unit == "%":
                    rate = read_rate(
                        self, sentence, q, previous_end, depths, trail, inherited, mentions_of_periods, mark_ends
                    )
                    if rate is not None:
                        items.append(rate)
                previous_end = q.end
                continue
            next_start = all_quantities[index + 1].start if index + 1 < len(all_quantities) else len(sentence)
            item = read_item(
                self, sentence, q, previous_end, next_start, depths, trail, inherited, mentions_of_periods, mark_ends
            )
            items.append(item)
            trail.add(item)
            trail.passed(q, item.depth)
            previous_end = q.end
        return items, floors

    def _mark_lead_target(self, sentence: str, items: list[Item]) -> None:
        """ "全年目标：新签约…350个，签约资金2800亿元", "下半年力争…": a target before the first figure covers
        them all."""
        if not items:
            return
        lead = self.lexicon.matchers["target"].search(normalise(sentence[: items[0].q.start], self.lexicon))
        if lead:
            for item in items:
                if not (
                    lead.group(0) == "预计" and ("实际" in item.own.text or "已" in item.own.text)
                ):  # "预计…222个，实际到位…867.1亿元"
                    item.target = item.target or lead.group(0)

    def _is_headline(self, item: Item) -> bool:
        """The city's own count of new projects for the document's period, read as a metric."""
        return (
            item.rule is not None
            and item.q.unit == "个"
            and item.head
            and item.regions == [self.home]
            and not item.excluded
            and not item.target
            and item.period_kind == "cumulative"
            and item.year == self.doc_year
            and item.months == self.doc_months
            and (item.features.floor or 0) <= 1e8
        )

    @staticmethod
    def _frame(items: list[Item], inherited: Frame | None, previous: Frame | None) -> Frame | None:
        """What the sentence hands to the next: its first head figure and the count it is about."""
        heads = [i for i in items if i.head and i.depth == 0 and i.q.unit == "个" and not i.excluded]
        heads = heads or [i for i in items if i.head and i.depth == 0 and not i.excluded]
        if inherited is not None and (not heads or heads[0].own.subset):
            return inherited  # "其中10亿元以上项目54个。": the next sentence still continues the headline
        if not heads:
            return None
        counts = [h for h in heads if h.q.unit == "个"]
        previous_count = previous.count if previous is not None else None
        return Frame(heads[0], counts[0] if counts else previous_count)
