"""What the extractor reads and gives: a :class:`Fact` (one figure with its quote, rule and phrase), an
:class:`Unmapped` figure, the :class:`Extraction` of one text; and, while a sentence is read, each figure's
:class:`Item` (its phrase, features, place, period and rule), the :class:`Trail` of figures read so far in the
sentence and the :class:`Frame` a sentence hands to the next."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...notes import Note
from .document import Document
from .lexicon import Features, Rule
from .numerals import Quantity, quantities
from .regions import CityDetection, Mention


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
    confidence: float = 1.0  # how sure its region, period and year are (0..1; see :func:`fact_confidence`)

    def key(self) -> tuple:
        return (self.year, self.months, self.region, self.metric)


@dataclass
class Unmapped:
    """A figure read but filed under no metric: its phrase meets no rule, or it is a part of a wider figure."""

    value: float
    unit: str
    phrase: str
    reason: Note  # its code is the report catalogue's key (unmapped.*)
    start: int
    end: int

    def stated_unit(self, text: str) -> str:
        """Its unit, or the one its quote ``text[start:end]`` gives its number (a figure a later step set
        aside carries none)."""
        if self.unit:
            return self.unit
        return next((q.unit for q in quantities(text[self.start : self.end]) if q.value == self.value), "")


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # the warnings; str(note) is the sentence `extract` prints
    conflicts: list[dict] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    city: CityDetection | None = None
    document: Document | None = None  # the subject, period and year decided for the whole text, with evidence


@dataclass
class Item:
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
    excluded: Note | None = None  # why it is left out (unmapped.*, figure.*)
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
    population: Item | None = None
    respective: list[float] | None = None  # values of a 分别为 list this item heads
    quote_start: int = 0
    sentence: str = ""
    target: str | None = None
    floor: int = 0  # end of the figure before it in the sentence


_MAX_DEPTH = 4  # bracket depths kept apart; deeper ones (a page of unbalanced brackets) share the last


class Trail:
    """The figures read so far in a sentence, by bracket depth: the nearest one at the same or a lower depth,
    and the nearest count and amount that name what they count, in constant time per figure."""

    def __init__(self):
        self.last: list[Item | None] = [None] * (_MAX_DEPTH + 1)
        self.count: list[Item | None] = [None] * (_MAX_DEPTH + 1)
        self.amount: list[Item | None] = [None] * (_MAX_DEPTH + 1)
        self.ends: list[int] = [0] * (_MAX_DEPTH + 1)  # end of the last figure (percentages too) at each depth
        self.outer: Item | bool | None = False  # the words a headless county list hangs from (False: not looked up)

    @staticmethod
    def _nearest(slots, depth: int):
        best = None
        for slot in slots[: min(depth, _MAX_DEPTH) + 1]:
            if slot is not None and (best is None or slot.q.start > best.q.start):
                best = slot
        return best

    def chain(self, depth: int) -> Item | None:
        return self._nearest(self.last, depth)

    def count_head(self, depth: int) -> Item | None:
        return self._nearest(self.count, depth)

    def amount_head(self, depth: int) -> Item | None:
        return self._nearest(self.amount, depth)

    def end_before(self, depth: int) -> int:
        return max(self.ends[: min(depth, _MAX_DEPTH) + 1])

    def add(self, item: Item) -> None:
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
class Frame:
    """What a sentence hands to the next one when that one continues it (其中…, 分别为…): its headline figure,
    and the last count headline ("全市新引进…198个。…实际到位资金926.7亿元。分县市区看，…各引进26个")."""

    item: Item
    count: Item | None = None
