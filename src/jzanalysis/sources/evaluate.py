"""Measuring the extractor on labelled bulletins: recall, precision, and every miss and false fact.

A corpus folder holds bulletins and their labels in one of two forms:

- ``expected.json`` mapping each file name to ``city``, ``year``, ``year_in_text``, ``months`` and ``facts``
  (``metric``, ``region``, ``value``, ``plan_pct``, ``yoy_pct``), with optional ``alternatives`` (values
  also right for a metric) — the schema of the shared real-bulletin corpus;
- ``NAME.expected.json`` beside each ``NAME.txt`` (the project's own corpus, ``tests/corpus/README.md``):
  rows ``[year, months, region, metric, value, plan_pct, yoy_pct, qualifier]``.

Metrics are compared by family (:attr:`jzanalysis.metrics.Metric.family_id`): a 新签约 count
(``projects_signed_100m``) is scored as the ``projects_100m`` a label names. A fact is right when its metric, region, value, period, year, ``plan_pct`` and ``yoy_pct`` all match a label.
A fact that matches a label's metric, region and value but not an attribute is a wrong attribute: it counts
against recall and precision both. Anything else extracted under a metric the corpus labels is a false fact;
facts of metrics no label uses, and figures of an earlier year or an earlier part of the year quoted in the
text ("去年全年…", "一季度…"), are outside what the corpus measures (counted apart, as ``unscored``).

>>> e = Evaluation(labelled=4, extracted=4, right=3)
>>> round(e.recall, 2), round(e.precision, 2)
(0.75, 0.75)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..metrics import METRICS
from ..regions import Region, find_region, get_region
from ..schema import CITY_UNKNOWN


@dataclass
class Outcome:
    """One difference from the labels: ``kind`` is miss, false or attribute."""

    file: str
    kind: str
    metric: str
    region: str
    value: float
    detail: str = ""
    sentence: str = ""


@dataclass
class Evaluation:
    """Totals over a corpus, and each difference."""

    labelled: int = 0
    extracted: int = 0
    right: int = 0
    files: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    unscored: int = 0  # facts of metrics the corpus does not label
    wrong_attributes: dict[str, int] = field(default_factory=dict)  # plan_pct, yoy_pct, year, months → count
    cities: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # file → (labelled, detected)

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "labelled": self.labelled,
            "extracted": self.extracted,
            "right": self.right,
            "unscored": self.unscored,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "wrong_attributes": self.wrong_attributes,
            "cities": {f: {"labelled": a, "detected": b} for f, (a, b) in self.cities.items()},
            "outcomes": [o.__dict__ for o in self.outcomes],
        }


@dataclass
class _Label:
    metric: str
    region: str
    value: float
    plan_pct: float | None
    yoy_pct: float | None
    year: int | None
    months: int | None
    year_free: bool  # the text states no year: a null year is right, and so is the true one
    alternatives: tuple[float, ...] = ()


def _family(metric_id: str) -> str:
    """The id ``metric_id`` is scored as (its family; an id the catalogue lacks is its own)."""
    spec = METRICS.get(metric_id)
    return spec.family_id if spec is not None else metric_id


@dataclass(frozen=True)
class _Other:
    """A figure of another period the text also states (``other_periods``): neutral."""

    metric: str
    region: str
    value: float
    year: int | None
    months: int | None


def _none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else value


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def _labels(folder: Path) -> dict[str, tuple[str | None, list[_Label], list[_Other]]]:
    """File name → (labelled city, labels, figures of other periods), from either label form."""
    shared = folder / "expected.json"
    labels: dict[str, tuple[str | None, list[_Label], list[_Other]]] = {}
    if shared.is_file():
        try:
            data = json.loads(shared.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputError(f"{shared} is not valid JSON: {exc}") from None
        for name, entry in data.items():
            alternatives: dict[tuple, list[float]] = {}
            for alt in entry.get("alternatives", []):
                alternatives.setdefault((alt["metric"], alt["region"]), []).append(float(alt["value"]))
            rows = [
                _Label(
                    f["metric"],
                    f["region"],
                    float(f["value"]),
                    _none(f.get("plan_pct")),
                    _none(f.get("yoy_pct")),
                    entry.get("year"),
                    entry.get("months"),
                    not entry.get("year_in_text", True),
                    tuple(alternatives.get((f["metric"], f["region"]), ())),
                )
                for f in entry["facts"]
            ]
            others = [
                _Other(o["metric"], o["region"], float(o["value"]), o.get("year"), o.get("months"))
                for o in entry.get("other_periods", [])
            ]
            labels[name] = (entry.get("city"), rows, others)
        return labels
    for path in sorted(folder.glob("*.expected.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        stem = path.name.removesuffix(".expected.json")
        source = next((p for p in folder.glob(f"{stem}.*") if p.suffix in (".txt", ".htm", ".html")), None)
        if source is None or entry.get("error"):
            continue
        rows = [_Label(r[3], r[2], float(r[4]), r[5], r[6], r[0], r[1], False) for r in entry["facts"]]
        labels[source.name] = (entry.get("city"), rows, [])
    if not labels:
        raise InputError(
            f"{folder} has no labels; allowed: an expected.json (shared corpus schema) or NAME.expected.json files"
        )
    return labels


def evaluate_corpus(folder: Path | str, region: str | None = None, label_city: bool = False) -> Evaluation:
    """Extract every labelled bulletin in ``folder`` and compare with its labels.

    ``region`` gives every bulletin's city (``--region``); ``label_city`` gives each the city its label names;
    otherwise the city is found from the text, as a new user's ``jzanalysis extract`` would.

    A text that never names its city ("我市" only; the city is in the page's address) cannot be read as that
    city. Its figures filed under the unnamed 全市 are scored as the labelled city's, as a label's year is
    when the text states none (``year_in_text: false``); a figure filed under any other city is not.
    """
    from . import extract_file

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"no such corpus folder: {folder}; allowed: a folder of bulletins with their labels")
    given = get_region(region) if region else None
    result = Evaluation()
    corpus = _labels(folder)
    scored = {_family(label.metric) for _, labels, _ in corpus.values() for label in labels}
    for name, (city, labels, others) in corpus.items():
        path = folder / name
        if not path.is_file():
            raise InputError(f"{folder}: the labels name {name}, which is not in the folder")
        file_region = given or (find_region(city) if label_city and city else None)
        found = extract_file(path, file_region)
        result.files += 1
        result.cities[name] = (city, found.city_name)
        profile = file_region or (found.city.region if found.city else None) or (find_region(city) if city else None)
        unnamed = profile if found.city_name is None and not _names_city(found, city, profile) else None
        _score(_Scoring(name, found, profile, result, scored, others, unnamed), labels)
    return result


_UNNAMED_CITY = (CITY_UNKNOWN,)


def _names_city(found, city: str | None, region: Region | None) -> bool:
    """Whether the bulletin's text (cleaned or as read) names its labelled city in any of its forms."""
    names = {city, *(region.city_names if region is not None else ())} - {None, ""}
    return any(name in text for name in names for text in (found.text, found.raw_text))


@dataclass
class _Scoring:
    """One file's comparison: its extraction, the city profile, the totals it adds to."""

    name: str
    found: object
    region: Region | None
    result: Evaluation
    scored: set[str]
    others: list[_Other]
    unnamed: Region | None = None  # the labelled city, when the text never names it

    def place(self, name: str) -> str:
        if self.unnamed is not None and name in _UNNAMED_CITY:
            return self.unnamed.name
        return _canonical(self.region, name)


def _canonical(region: Region | None, name: str) -> str:
    if region is None or name in _UNNAMED_CITY:  # a figure filed under no city is not the city's
        return name
    return region.resolve(name) or name


def _score(run: _Scoring, labels: list[_Label]) -> None:
    found, result = run.found, run.result
    facts = found.facts[found.facts.metric.map(_family).isin(run.scored)]
    result.unscored += len(found.facts) - len(facts)
    result.labelled += len(labels)
    result.extracted += len(facts)
    unmatched = list(facts.itertuples())
    for label in labels:
        label_region = run.place(label.region)
        fact = next(
            (
                f
                for f in unmatched
                if _family(f.metric) == _family(label.metric)
                and run.place(f.region) == label_region
                and any(_close(f.value, v) for v in (label.value, *label.alternatives))
            ),
            None,
        )
        if fact is None:
            result.outcomes.append(Outcome(run.name, "miss", label.metric, label.region, label.value))
            continue
        unmatched.remove(fact)
        wrong = _wrong_attributes(fact, label)
        for item in wrong:
            key = item.split(" ")[0]
            result.wrong_attributes[key] = result.wrong_attributes.get(key, 0) + 1
        if wrong:
            result.outcomes.append(
                Outcome(run.name, "attribute", label.metric, label.region, label.value, "; ".join(wrong), fact.quote)
            )
        else:
            result.right += 1
    _set_aside_other_periods(run, labels, unmatched)
    for fact in unmatched:
        result.outcomes.append(
            Outcome(
                run.name,
                "false",
                fact.metric,
                fact.region,
                float(fact.value),
                f"{int(fact.months)} months, year {_none(fact.year)}",
                fact.quote,
            )
        )


def _wrong_attributes(fact, label: _Label) -> list[str]:
    """The attributes of a fact found for ``label`` that differ from it (plan_pct, yoy_pct, year, months)."""
    wrong = []
    if not _close(_none(fact.plan_pct), label.plan_pct):
        wrong.append(f"plan_pct {_none(fact.plan_pct)} (label {label.plan_pct})")
    if not _close(_none(fact.yoy_pct), label.yoy_pct):
        wrong.append(f"yoy_pct {_none(fact.yoy_pct)} (label {label.yoy_pct})")
    year = _none(fact.year)
    if label.year is not None and year != label.year and not (label.year_free and year is None):
        wrong.append(f"year {year} (label {label.year})")
    if label.year is None and not label.year_free and year is not None:
        wrong.append(f"year {year} (label none)")
    if label.months is not None and int(fact.months) != label.months:
        wrong.append(f"months {int(fact.months)} (label {label.months})")
    return wrong


def _set_aside_other_periods(run: _Scoring, labels: list[_Label], unmatched: list) -> None:
    """Move out of ``unmatched`` (into ``unscored``) the figures of another year or an earlier part of this one.

    The labels cover only the file's own period: "去年全年…", or "一季度…39个" in a half-year bulletin, is
    neither right nor false.
    """
    file_year = next((label.year for label in labels if label.year is not None), None)
    file_months = next((label.months for label in labels if label.months is not None), None)
    for fact in list(unmatched):
        year = _none(fact.year)
        earlier_this_year = (
            file_months is not None and int(fact.months) < file_months and (year is None or year == file_year)
        )
        other_period = any(
            _family(fact.metric) == _family(o.metric)
            and run.place(fact.region) == run.place(o.region)
            and _close(fact.value, o.value)
            and (o.months is None or int(fact.months) == o.months)
            and (o.year is None or year is None or year == o.year)
            for o in run.others
        )
        undated_full_year = (
            file_months is not None and int(fact.months) == 12 and file_months != 12 and year is not None
        ) and file_year is None
        if (
            other_period
            or (file_year is not None and year is not None and year < file_year)
            or earlier_this_year
            or undated_full_year
        ):
            unmatched.remove(fact)
            run.result.extracted -= 1
            run.result.unscored += 1
