"""Typed notes: what the reading of a bulletin reports (a warning) and why a figure was filed under no
metric, each a :class:`Note` — a code and its fields.

``str(note)`` is the English sentence the command line prints (``extract``, ``--explain``), the JSON and
the data audit show; a report words a note from its catalogue by its code (:mod:`jzanalysis.report.notes`),
so nothing parses a sentence back. The codes of the reasons a figure is not mapped are the catalogue's
keys (``unmapped.*``); a field named ``source`` holds bulletin text (a report quotes it).

This module is the lowest layer: every stage may import it, it imports nothing of the package.

>>> note = Note("city.unknown_region", {"city": "某市"})
>>> str(note)
'某市 is not a known region: its counties cannot be placed'
>>> note.code, note.fields["city"]
('city.unknown_region', '某市')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# code → the English sentence (a str.format template over the note's fields); data table
ENGLISH: dict[str, str] = {
    # the city and the unit a bulletin is about (sources.extract)
    "city.other_than_given": "{evidence}, not {city}; its figures are filed under {city} as asked",
    "city.none": (
        "the text names no city (no city name, no county of a known city): city-wide figures are filed under "
        "“{unknown}”; give the city with --region NAME"
    ),
    "city.unknown_region": "{city} is not a known region: its counties cannot be placed",
    "city.no_profile": (
        "{city} has no region profile: its counties come from the national division list only (no "
        "development zones, aliases or English names); add src/jzanalysis/regions/profiles/{city}.toml"
    ),
    "city.home_unit": "the bulletin is about {unit} (全区/全县 figures are filed under it), not all of {city}",
    "unit.not_in_profile": "{unit} is not in {city}'s profile: its figures are kept under its own name (“{quote}”)",
    "unit.not_in_profile_table": (
        "{unit} is not in {city}'s profile: its figures are kept under its own name (table “{title}”)"
    ),
    "unit.not_in_city_profile": (
        "{unit} is not in the city's profile: its figures are kept under its own name (“{quote}”)"
    ),
    # the period and the year of the whole text (sources.extract.document)
    "period.day_only": (
        "the only date is “{date}”, not the last day of a month (or 2月28日 with no year): "
        "figures of part of a month are left out"
    ),
    "period.none": "no period (1-M月, 上半年, …) found: figures cannot be dated and are left out",
    "year.none": "no year in the text and no publication date: facts have no year",
    # one figure read and left out, or a percentage not given to a figure
    "figure.digits_stripped": (
        "a figure's number is missing (digits stripped?) at “{at}” in “{sentence}”: no fact taken"
    ),
    "figure.overlong": "a number of more than {digits} digits is not a bulletin's figure: “{number}…”; not read",
    "figure.not_kept": "a figure {why}: “{quote}”; not kept",
    "figure.target": "is a target or plan, not a result",
    "figure.single_period": "is a single month's or quarter's figure (“{period}”), not a January..M total",
    "figure.day": "is dated to a day ({period}), not to a month's end",
    "figure.no_period": "has no period",
    "figure.implausible_rate": "{number}% is beyond any plausible rate",
    "list.unpaired": "a 分别 list whose names and values cannot be paired one to one: “{quote}”; not kept",
    "percent.plan_shares_unpaired": "two plan shares “{quote}” not tied to figures one to one; not assigned",
    "percent.list_unpaired": (
        "a 分别 list of percentages “{quote}” cannot be paired with the figures before it; not assigned"
    ),
    "percent.plan_implausible": ("a plan share of {value:g}% is not plausible (allowed: 0–1000%): “{quote}”; not used"),
    "percent.double_negative": "growth written as a double negative “{quote}”: unclear, yoy_pct left empty",
    "percent.other_base": (
        "growth against {base_year} (not the previous year) is not year-on-year: “{quote}”; yoy_pct left empty"
    ),
    # the figures of one text together (sources.extract.reconcile) and the file
    "conflict": "conflict: {region} {metric} {year} 1-{months}月 is stated as {shown}; none of them is used",
    "sums": "county figures of {metric} {year} 1-{months}月 sum to {total:g}, but the city total is {city_total:g}",
    "file.no_figures": "no figures found in this file",
    # why a figure is filed under no metric (codes = the report catalogue's keys)
    "unmapped.no_metric": "no metric for this phrase",
    "unmapped.other_breakdown": "a part of the total broken down by something other than county",
    "unmapped.part_of_total": "a part of the total ({source})",
    "unmapped.wider_figure": "a part of a wider figure of the same metric",
    "unmapped.beside_stated": "a total investment beside the stated amount",
    "unmapped.difference": "a difference against another period",
    "unmapped.implausible": "{number}{unit} is beyond any plausible figure of a bulletin",
    "unmapped.county_group": "a group of counties, not one county-level unit",
    "unmapped.city_level": ("the city's own level (市本级, 市直/州直 units), neither the city's total nor a county's"),
    "unmapped.several_counties": "names more than one county",
    "unmapped.not_placed": "names “{source}”, which is not a county of the city's profile and not placed",
    "unmapped.last_year": "a figure of last year, and the bulletin's year is unknown",
    "unmapped.unpaired_list": "in a 分别 list that cannot be paired",
    # a run over several files (dataset)
    "dataset.in_file": "{source}: {note}",
    "dataset.correction": "{text}",
}


@dataclass(frozen=True)
class Note:
    """A warning or a reason: ``code`` (a key of :data:`ENGLISH`) and the ``fields`` its sentence is made of
    (names, numbers, bulletin text, or another note). An unknown code is refused when the note is made."""

    code: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in ENGLISH:
            raise KeyError(f"no note {self.code!r} in jzanalysis.notes.ENGLISH")
        object.__setattr__(self, "fields", dict(self.fields))  # a copy: the caller's dict may change later

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**self.fields)

    def __hash__(self) -> int:
        return hash((self.code, str(self)))
