"""Extraction notes in the report's language.

The extractor's warnings are English sentences for the command line. A report words the ones a reader
needs from the catalogue (a city without a region profile, figures that do not add up, a conflict, …);
the rest are counted and shown as the program wrote them only in the data audit.
"""

from __future__ import annotations

import re

from ..metrics import METRICS

# (pattern of the extractor's sentence, catalogue key, group name → placeholder)
_RULES: tuple[tuple[re.Pattern, str, dict[str, str]], ...] = tuple(
    (re.compile(pattern), key, names)
    for pattern, key, names in (
        (r"^(?P<city>\S+) has no region profile", "notes.no_profile", {"city": "place"}),
        (r"^(?P<city>\S+) is not a known region", "notes.unknown_region", {"city": "place"}),
        (r"^the text names no city", "notes.no_city", {}),
        (r", not (?P<city>\S+); its figures are filed under", "notes.other_city", {"city": "place"}),
        (
            r"^the bulletin is about (?P<unit>\S+) \(.*\), not all of (?P<city>\S+)$",
            "notes.home_unit",
            {"unit": "place", "city": "place"},
        ),
        (
            r"^(?P<unit>\S+) is not in (?P<city>\S+)'s profile",
            "notes.unit_not_in_profile",
            {"unit": "place", "city": "place"},
        ),
        (r"^conflict: ", "notes.conflict", {}),
        (r"^county figures of (?P<metric>\S+) ", "notes.sums", {"metric": "metric"}),
        (r"^(no period|the only date is)", "notes.not_dated", {}),
        (r"^no year in the text", "notes.no_year", {}),
        (r"(not kept|not read|not assigned|not used|no fact taken|left empty)", "notes.not_kept", {}),
    )
)


def note_lines(warnings, catalogue, region=None) -> tuple[list[str], list[str]]:
    """(notes worded from the catalogue, without repeats; the warnings no rule words, as written)."""
    worded: list[str] = []
    technical: list[str] = []
    for warning in warnings:
        for pattern, key, names in _RULES:
            match = pattern.search(warning)
            if match is None:
                continue
            values = {}
            for group, kind in names.items():
                text = match.group(group)
                if kind == "place":
                    values[group] = catalogue.place(text)
                elif kind == "metric":
                    values[group] = catalogue.metric(text) if text in METRICS else text
            line = catalogue.t(key, **values)
            if line not in worded:
                worded.append(line)
            break
        else:
            technical.append(warning)
    return worded, technical
