"""Numbers as a report shows them: one rounding per kind of quantity, the same in every table, chart and sentence.

- a figure the bulletin states: as it was written (174, 798, 78.1)
- a forecast, a plan, a pace: whole numbers from 100 up, one decimal below (262, 1,383, 13.8); a count's
  forecast or plan is a whole number anyway
- an implied plan: only as precise as the percent that implies it (798 at 61.4% pins it to
  1,298.6–1,300.7: "约 1,300"; 174 at 71.6% to 242.85–243.19, and a count's plan is whole: 243)
- a share of the year or of a plan: one decimal (58.3%); a share of a total: whole percents below 10
  get one decimal (13%, 6.3%)
- a probability: to the nearest 5% between 10% and 90%, to 1% outside, never "0%" or "100%", and never
  rounded across one half (0.476 is "略低于 50%" / "just under 50%"), so the words agree with the point
  against the plan

What differs between languages is the catalogue's ``[format]`` table (:mod:`.words`): the words (约 /
about, 全年 / full year, month names, the unit after a number) and the scale of an amount: English reports
show 亿元 (10^8 yuan) as billions of yuan, 1,383亿元 is 138.3 bn yuan, the same figure with the decimal
point moved one place (``amount_divisor = "10"``). A language is one catalogue file; this module has none.

>>> f = Formatter("zh")
>>> f.quantity(262.0, "个"), f.quantity(1383.1, "亿元"), f.quantity(13.8, "个")
('262个', '1,383亿元', '13.8个')
>>> Formatter("en").quantity(1383.1, "亿元")
'138.3 bn yuan'
>>> f.probability(0.844), f.probability(0.476), f.probability(0.995), Formatter("en").probability(0.476)
('85%', '略低于50%', '超过99%', 'just under 50%')
>>> f.plan_value(1299.674, (1298.62, 1300.73)), f.plan_value(243.0, (242.85, 243.19))
('约1,300', '243')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..catalog_files import load_messages

#: The unit the catalogue's ``amount_divisor`` scales (a language may show it in other units).
AMOUNT_UNIT = "亿元"


def half_up(value: float, digits: int) -> float:
    """Round half away from zero on the decimal digits a reader sees (26.25 → 26.3, not the float's 26.2)."""
    if value is None or not math.isfinite(value):
        return value
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def _grouped(value: float, digits: int) -> str:
    rounded = half_up(value, digits)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return f"{rounded:,.{digits}f}"


def digits_for(value: float, whole: bool = False) -> int:
    """Decimals of a derived figure: none from 100 up (or for a whole count), one below."""
    if whole or abs(value) >= 100:
        return 0
    return 1


class Formatter:
    """Formatting in one language (``zh``, ``en`` or a catalogue file's path); every number of a report goes
    through one of these."""

    def __init__(self, language: str | Path = "zh"):
        self.language = language
        self.words = load_messages(language)
        self._divisor = float(self.words["format.amount_divisor"])
        self._months = tuple(self.words["format.month_names"].split())

    def scale(self, unit: str | None) -> float:
        """What a value in ``unit`` is divided by in this language (10 for 亿元 shown as bn yuan, else 1)."""
        return self._divisor if unit == AMOUNT_UNIT else 1.0

    # --- plain numbers ----------------------------------------------------------------------------

    def number(self, value: float | None, digits: int | None = None, whole: bool = False) -> str:
        """A derived figure (forecast, plan, pace, expected count): see :func:`digits_for`."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return _grouped(value, digits_for(value, whole) if digits is None else digits)

    def as_written(self, value: float) -> str:
        """A figure as the bulletin wrote it: 174, 798, 78.1 (no trailing .0)."""
        value = float(value)
        return f"{value:,.0f}" if value.is_integer() else f"{value:,g}"

    # --- with units -------------------------------------------------------------------------------

    def scaled(self, value: float, unit: str | None) -> tuple[float, int]:
        """The value in the language's unit, and the decimals the scaling adds (亿元 as bn yuan: ÷ 10, one more)."""
        divisor = self.scale(unit)
        if divisor == 1:
            return value, 0
        return value / divisor, round(math.log10(divisor))

    def unit(self, unit: str | None) -> str:
        """The unit as written after a number: 个 / 亿元 in Chinese; '' / ' bn yuan' in English."""
        if not unit:
            return ""
        return self.words.get(f"format.unit.{unit}", self.words["format.unit_other"].format(unit=unit))

    def unit_label(self, unit: str | None) -> str:
        """The unit in a table header or an axis label: 个 / 亿元; count / bn yuan."""
        if not unit:
            return self.words["format.unit_label_other"].format(unit="")
        return self.words.get(f"format.unit_label.{unit}", self.words["format.unit_label_other"].format(unit=unit))

    def value(self, value: float, unit: str | None, whole: bool = False) -> str:
        """A derived figure with its unit (no unit sign on its own)."""
        scaled, extra = self.scaled(value, unit)
        digits = digits_for(value, whole) + extra
        return self.number(scaled, digits) + self.unit(unit)

    quantity = value

    def stated(self, value: float, unit: str | None) -> str:
        """A stated figure with its unit, as written (798亿元; 79.8 bn yuan)."""
        divisor = self.scale(unit)
        if divisor != 1:
            return self.as_written(half_up(value / divisor, 6)) + self.unit(unit)
        return self.as_written(value) + self.unit(unit)

    def bare(self, value: float, unit: str | None, whole: bool = False) -> str:
        """A derived figure scaled for the language, without its unit (a table column names the unit)."""
        scaled, extra = self.scaled(value, unit)
        return self.number(scaled, digits_for(value, whole) + extra)

    def interval(self, interval, unit: str | None, whole: bool = False, with_unit: bool = True) -> str:
        """``lo–hi`` with the unit once; both ends rounded as the point is."""
        lo, hi = interval
        text = f"{self.bare(lo, unit, whole)}–{self.bare(hi, unit, whole)}"
        return text + (self.unit(unit) if with_unit else "")

    def plan_value(self, value: float, rounding_range=None, unit: str | None = None, with_unit: bool = False) -> str:
        """A plan: given ones as given; implied ones only as precise as their rounding range allows.

        The coarsest round number inside the range is shown (1,299.67 in 1,298.62–1,300.73 → 约1,300);
        when that is the value itself (a whole-number count plan), no 约.
        """
        scaled, extra = self.scaled(value, unit)
        suffix = self.unit(unit) if with_unit else ""
        if rounding_range is None:
            return self.as_written(half_up(scaled, 2 + extra)) + suffix
        lo, hi = (self.scaled(x, unit)[0] for x in rounding_range)
        for step in (1e6, 1e5, 1e4, 1e3, 100, 10, 1, 0.1, 0.01):
            rounded = half_up(round(scaled / step) * step, 2)
            if lo - 1e-9 <= rounded <= hi + 1e-9:
                digits = 0 if step >= 1 else (1 if step >= 0.1 else 2)
                text = _grouped(rounded, digits)
                exact = abs(rounded - scaled) < 1e-9
                return (text if exact else self.about(text)) + suffix
        return self.about(self.number(scaled)) + suffix

    def about(self, text: str) -> str:
        """A rounded figure: 约1,300 / about 1,300."""
        return self.words["format.about"].format(text=text)

    # --- percents ---------------------------------------------------------------------------------

    def percent(self, value: float | None, digits: int = 1) -> str:
        """A percent of plan or of the year: 58.3%."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return f"{_grouped(value, digits)}%"

    def share(self, fraction: float) -> str:
        """A share of a total: whole percents (13%), one decimal under 10% (6.3%)."""
        pct = fraction * 100
        return self.percent(pct, 0 if half_up(pct, 1) >= 10 else 1)

    def points(self, value: float) -> str:
        """Percentage points, signed: +13.3 / −0.3."""
        rounded = half_up(value, 1)
        sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
        return f"{sign}{abs(rounded):.1f}"

    def probability(self, p: float) -> str:
        """A probability (see the module docstring): 85%, 略低于50%, 超过99%, 不到1%."""
        words = self.words
        if p > 0.99:
            return words["meta.probability_over_99"]
        if p < 0.01:
            return words["meta.probability_under_1"]
        # int(): round() of a NumPy float is a NumPy float, and "70.0%" is not a percentage the report writes
        rounded = int(round(p * 20)) * 5 if 0.1 <= p <= 0.9 else int(round(p * 100))  # noqa: RUF046
        if p < 0.5 <= rounded / 100:
            return words["meta.probability_just_under_50"]
        return f"{rounded}%"

    def ratio(self, value: float) -> str:
        """A ratio such as observed ÷ city average: two decimals."""
        return _grouped(value, 2)

    def period(self, months: int, cumulative: bool = True) -> str:
        """1-7月 / Jan–Jul; 6月 / Jun (a point in time); 全年 / full year; 年末 / year-end (a stock at December)."""
        if months >= 12:
            return self.words["format.full_year" if cumulative else "format.year_end"]
        if months == 1 or not cumulative:
            return self.month(months)
        return self.words["format.months_from_january"].format(month=months, month_name=self._months[months - 1])

    def year_period(self, year: int | None, period: str) -> str:
        """A period with its year: 2015年1-7月 / 2015 Jan–Jul (a year the text does not give: ?)."""
        return self.words["format.year_period"].format(year="?" if year is None else str(int(year)), period=period)

    def month(self, month: int) -> str:
        """One month: 6月 / Jun."""
        return self._months[month - 1]

    def date(self, day) -> str:
        if day is None:
            return "–"
        return day.isoformat()
