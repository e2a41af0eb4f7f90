"""The annual plan a forecast is measured against: given, or implied by a stated percent of plan.

A bulletin's "完成全年计划的71.6%" pins the plan only to the percent's rounding: 174 / 71.65% = 242.85 to
174 / 71.55% = 243.19. A count's plan is a whole number, so the plan is 243 (the one whole number in
that range), and "meeting" it needs 243. Where the range holds several whole numbers (a percent with
fewer digits), each is kept as a candidate and P(meet plan) averages over them; an amount's plan is
spread evenly over its range. Several bulletins of one year narrow it further: the plan must fit all
of their percents.

>>> p = implied_plan(174, 71.6, "count")
>>> p.value, p.candidates, [round(x, 2) for x in p.range]
(243.0, (243.0,), [242.85, 243.19])
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

#: An amount's plan range is represented by this many evenly spaced percents.
AMOUNT_PLAN_POINTS = 11


@dataclass(frozen=True)
class Plan:
    """The plan used, where it came from, and the plans the stated figures cannot tell apart.

    - ``value``: the plan (a whole number for counts when implied)
    - ``candidates``: plans consistent with the stated percent(s); P(meet plan) averages over them
    - ``range``: [low, high] the percent's rounding allows (None for a given plan)
    - ``source``: ``given`` or ``implied``; ``pct`` and ``pct_month``: the percent and the bulletin's month
    - ``exact``: YTD / percent before rounding to a whole number
    - ``consistent``: False when no whole number fits the rounding range (the nearest is used)
    """

    value: float
    candidates: tuple[float, ...]
    source: str
    range: tuple[float, float] | None = None
    pct: float | None = None
    pct_month: int | None = None
    exact: float | None = None
    consistent: bool = True
    bulletins: int = 1

    def verdict(self, point: float) -> str:
        """``meets`` (point ≥ every candidate), ``falls_short`` (below every one) or ``within_rounding``."""
        if point >= max(self.candidates):
            return "meets"
        if point < min(self.candidates):
            return "falls_short"
        return "within_rounding"

    def to_dict(self) -> dict:
        """The plan's record in a forecast's JSON (``plan_info``), its keys in their published order."""
        record = {key: getattr(self, key) for key in _RECORD_KEYS}
        record["range"] = None if self.range is None else list(self.range)
        record["candidates"] = list(self.candidates)
        return record


_RECORD_KEYS = ("value", "source", "pct", "pct_month", "exact", "range", "candidates", "consistent", "bulletins")


def given_plan(value: float) -> Plan:
    return Plan(value=float(value), candidates=(float(value),), source="given")


def _half_unit(pct: float) -> float:
    """Half a unit of the percent's last written digit: 71.6 → 0.05, 25.71 → 0.005, 26 → 0.5."""
    exponent = Decimal(repr(float(pct))).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** min(int(exponent), 0)


def pct_range(ytd: float, pct: float) -> tuple[float, float]:
    """Plans that round to ``pct``: [YTD / (pct + h), YTD / (pct − h)], h half a unit of its last digit."""
    h = _half_unit(pct)
    return ytd / ((pct + h) / 100), ytd / ((pct - h) / 100) if pct > h else math.inf


def implied_plan(
    ytd: float, pct: float, kind: str, month: int | None = None, others: Sequence[tuple[float, float, int]] = ()
) -> Plan:
    """The plan implied by ``ytd`` being ``pct`` percent of it; ``others``: (ytd, pct, month) of other
    bulletins of the same year, whose ranges must also hold."""
    exact = ytd / (pct / 100)
    lo, hi = pct_range(ytd, pct)
    bulletins = 1
    for o_ytd, o_pct, _ in others:
        o_lo, o_hi = pct_range(o_ytd, o_pct)
        if max(lo, o_lo) <= min(hi, o_hi):
            lo, hi = max(lo, o_lo), min(hi, o_hi)
            bulletins += 1
    implied = functools.partial(
        Plan, source="implied", range=(lo, hi), pct=pct, pct_month=month, exact=exact, bulletins=bulletins
    )
    if kind == "count":
        whole = [float(k) for k in range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)]
        if whole:
            return implied(value=min(whole, key=lambda k: (abs(k - exact), k)), candidates=tuple(whole))
        nearest = float(math.floor(exact + 0.5))
        return implied(value=nearest, candidates=(nearest,), consistent=False)
    # an amount: evenly over the range of the percent (uniform in the percent)
    if math.isinf(hi):
        return implied(value=exact, candidates=(exact,))
    pcts = [
        100 * ytd / hi + (100 * ytd / lo - 100 * ytd / hi) * (i + 0.5) / AMOUNT_PLAN_POINTS
        for i in range(AMOUNT_PLAN_POINTS)
    ]
    candidates = tuple(sorted(ytd / (p / 100) for p in pcts))
    return implied(value=exact if lo <= exact <= hi else (lo + hi) / 2, candidates=candidates)
