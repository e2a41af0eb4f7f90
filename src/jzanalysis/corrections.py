"""The analyst's corrections: accept, reject or correct an extracted fact, found by file and quote.

No extractor is perfect; a mistake it makes is one entry here, applied on every run (every command and
notebook that reads bulletins: :func:`jzanalysis.dataset.load_bulletins`) and named in the report's
provenance. The file is ``data/corrections.yaml`` (:data:`jzanalysis.settings.CORRECTIONS_PATH`;
``JZ_CORRECTIONS=FILE`` or ``--corrections FILE`` name another)::

    corrections:
      - source: 000_f5510f0c233d12e8.txt   # the bulletin's file name, as `jzanalysis extract` prints it
        quote: 实际到位资金798亿元          # a piece of the fact's quote (the cleaned text `extract` prints)
        metric: funds_in_place              # optional: which fact, when the piece is in several quotes
        region: 荆州市                      # optional: the same, for a quote that names several places
        action: correct                     # accept | reject | correct
        set: {value: 789}                   # correct: any of value, metric, region, year, months, plan_pct, yoy_pct
        note: 原件为789亿元                 # optional: why

- ``accept``: the fact is right; it is no longer marked "to confirm".
- ``reject``: the fact is wrong; it is left out of the analysis and listed in the data audit.
- ``correct``: the fields under ``set`` replace the extracted ones (``plan_pct: null`` removes one); the
  quote stays the bulletin's own words, and the ``correction`` column says what was changed.

An entry that finds no fact, or several, changes nothing and is a warning named in the audit (never a silent
no-op); an entry about a file this run does not read is listed there too. A malformed file is one
:class:`~jzanalysis.errors.InputError` line naming the file, the entry and what is allowed.

>>> fixes = parse_corrections({"corrections": [{"source": "a.txt", "quote": "798亿元", "action": "accept"}]}, "x.yaml")
>>> fixes.entries[0].action
'accept'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import settings
from .errors import InputError

ACTIONS = ("accept", "reject", "correct")
#: Fact fields a ``correct`` entry may set
CHANGE_FIELDS = ("value", "metric", "region", "year", "months", "plan_pct", "yoy_pct")
ENTRY_KEYS = ("source", "quote", "metric", "region", "action", "set", "note")


class Change(BaseModel):
    """The fields a ``correct`` entry sets (the others keep their extracted values)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float | None = Field(None, allow_inf_nan=False)
    metric: str | None = None
    region: str | None = Field(None, min_length=1)
    year: int | None = None
    months: int | None = None
    plan_pct: float | None = Field(None, allow_inf_nan=False)
    yoy_pct: float | None = Field(None, allow_inf_nan=False)

    def fields(self) -> dict:
        """The fields the entry names (``plan_pct: null`` included: it clears the percent)."""
        return {name: getattr(self, name) for name in CHANGE_FIELDS if name in self.model_fields_set}


class Entry(BaseModel):
    """One decision of the analyst about one fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    metric: str | None = None
    region: str | None = Field(None, min_length=1)
    action: Literal["accept", "reject", "correct"]
    set: Change | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _set_goes_with_correct(self) -> Entry:
        if self.action == "correct" and (self.set is None or not self.set.fields()):
            raise ValueError(f"action correct needs `set:` with any of {', '.join(CHANGE_FIELDS)}")
        if self.action != "correct" and self.set is not None:
            raise ValueError(f"`set:` goes with action correct only, not with {self.action}")
        return self

    @property
    def file_name(self) -> str:
        return Path(self.source.strip()).name


@dataclass
class Corrections:
    """A corrections file read and checked: its entries in file order, with its path and sha256."""

    entries: list[Entry]
    path: Path | None = None
    sha256: str | None = None
    origin: str = "corrections"  # what error lines and warnings call the file when it has no path

    @property
    def name(self) -> str:
        return self.path.name if self.path else Path(self.origin).name


@dataclass
class Applied:
    """What one entry did: the fact it found (``fact``: its row before, a dict), the change said in words of
    the facts table (``correction``), or why it did nothing (``warning``)."""

    number: int  # entry number in the file, from 1
    entry: Entry
    fact: dict | None = None
    correction: str = ""
    warning: str | None = None


@dataclass
class Outcome:
    """The corrections applied to one run's facts: counts for the provenance, rejected facts and warnings
    for the audit."""

    corrections: Corrections
    applied: list[Applied] = field(default_factory=list)
    rejected: pd.DataFrame | None = None  # facts the analyst rejected (left out of the analysis)
    other_files: list[Applied] = field(default_factory=list)  # entries about files this run does not read

    @property
    def path(self) -> Path | None:
        return self.corrections.path

    @property
    def sha256(self) -> str | None:
        return self.corrections.sha256

    def count(self, action: str) -> int:
        """How many facts the entries with ``action`` changed (entries that found none are not counted)."""
        return sum(1 for a in self.applied if a.fact is not None and a.entry.action == action)

    @property
    def warnings(self) -> list[str]:
        return [a.warning for a in self.applied if a.warning]

    def provenance(self) -> dict:
        """The values of the report's provenance line ``appendix.corrected_by_analyst``."""
        return {
            "file": self.corrections.name,
            "sha": self.sha256 or "",
            "corrected": self.count("correct"),
            "accepted": self.count("accept"),
            "rejected": self.count("reject"),
        }


# --- reading --------------------------------------------------------------------------------------


def corrections_path(given: Path | str | None = None) -> Path | None:
    """The corrections file a run uses: ``given`` (must exist), else the default when it exists, else None."""
    if given is not None and str(given) != "":
        path = Path(given)
        if not path.is_file():
            raise InputError(f"no such corrections file: {path}; allowed: a YAML file like data/corrections.yaml")
        return path.resolve()
    return settings.CORRECTIONS_PATH if settings.CORRECTIONS_PATH.is_file() else None


def load_corrections(path: Path | str) -> Corrections:
    """Read and check a corrections YAML file (safe loading); one InputError line when it is malformed."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such corrections file: {path}; allowed: a YAML file like data/corrections.yaml")
    data = path.read_bytes()
    try:
        document = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path} is not a readable YAML corrections file: {first}") from None
    fixes = parse_corrections(document, str(path))
    fixes.path, fixes.sha256 = path.resolve(), hashlib.sha256(data).hexdigest()
    return fixes


def parse_corrections(document, origin: str) -> Corrections:
    """Check a parsed corrections document: ``corrections:`` and a list of entries (an empty file, or
    ``corrections:`` with nothing under it, has none)."""
    if document is None:
        return Corrections([], origin=origin)
    if not isinstance(document, dict) or set(document) - {"corrections"}:
        raise InputError(
            f"{origin}: expected one key `corrections:` holding a list of entries, each with "
            f"{', '.join(ENTRY_KEYS)} (see data/corrections.yaml)"
        )
    items = document.get("corrections") or []
    if not isinstance(items, list):
        raise InputError(f"{origin}: `corrections:` must be a list of entries, got a {type(items).__name__}")
    entries = []
    for number, item in enumerate(items, start=1):
        where = f"{origin} entry {number}"
        if not isinstance(item, dict):
            raise InputError(f"{where}: an entry is a mapping with {', '.join(ENTRY_KEYS)}; got {item!r:.60}")
        try:
            entry = Entry(**{str(k): v for k, v in item.items()})
        except ValidationError as exc:
            raise InputError(f"{where}: {_one_line(exc.errors()[0])}") from None
        _check_entry(entry, where)
        entries.append(entry)
    return Corrections(entries, origin=origin)


def _check_entry(entry: Entry, where: str) -> None:
    from . import bounds
    from .metrics import get_metric

    if entry.metric is not None:
        get_metric(entry.metric, where)
    change = entry.set.fields() if entry.set else {}
    if change.get("metric") is not None:
        get_metric(change["metric"], f"{where}: set.metric")
    for name, allowed in (("year", bounds.YEAR), ("months", bounds.MONTHS)):
        if change.get(name) is not None:
            bounds.check_range(f"{where}: set.{name}", change[name], allowed, whole=True)
    for name in ("value", "metric", "region", "year", "months"):
        if name in change and change[name] is None:
            raise InputError(f"{where}: set.{name} cannot be empty; only plan_pct and yoy_pct can be null")


_KINDS = {"float_parsing": "a number", "float_type": "a number", "int_parsing": "a whole number"}


def _one_line(error: dict) -> str:
    """pydantic's first error as a sentence that says what is allowed."""
    loc = [str(part) for part in error["loc"]]
    name = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        if len(loc) > 1 and loc[0] == "set":
            return f"set.{loc[-1]} is not a fact field a correction can set; allowed: {', '.join(CHANGE_FIELDS)}"
        return f"unknown key {loc[-1]!r}; allowed: {', '.join(ENTRY_KEYS)}"
    if kind == "missing":
        return f"{name} is missing; an entry needs source, quote and action ({', '.join(ACTIONS)})"
    if kind == "literal_error":
        return f"action {error.get('input')!r} is not allowed; allowed: {', '.join(ACTIONS)}"
    if kind in _KINDS or kind.startswith(("int_", "float_")):
        return f"{name} must be {_KINDS.get(kind, 'a number')}, got {error.get('input')!r:.40}"
    if kind in ("string_type", "string_too_short"):
        return f"{name} must be a non-empty text, got {error.get('input')!r:.40}"
    if kind == "finite_number":
        return f"{name} must be a finite number, got {error.get('input')!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{name} must be a mapping of {', '.join(CHANGE_FIELDS)}"
    return error["msg"].removeprefix("Value error, ")


# --- applying -------------------------------------------------------------------------------------


def _shown(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def apply_corrections(facts: pd.DataFrame, fixes: Corrections, sources: list[str]) -> tuple[pd.DataFrame, Outcome]:
    """The facts with the analyst's decisions applied, and what each entry did.

    ``sources``: the file names this run read (an entry about another file changes nothing and is listed,
    not warned about). Entries apply in file order; each must find exactly one fact by its file, a piece of
    its quote and, when given, its metric. A corrected fact is checked like an extracted one (known metric,
    numbers in their ranges): a correction outside them is an InputError naming the entry.
    """
    from .metrics import get_metric
    from .schema import check_fact_numbers

    facts = facts.copy()
    outcome = Outcome(fixes)
    read = {Path(s).name for s in sources}
    rejected: list[int] = []
    found_by: dict = {}
    for number, entry in enumerate(fixes.entries, start=1):
        where = f"{fixes.name} entry {number}"
        done = Applied(number, entry)
        if entry.file_name not in read:
            outcome.other_files.append(done)
            continue
        quotes = facts["quote"].fillna("").astype(str)
        hit = (facts["source"].astype(str).map(lambda s: Path(s).name) == entry.file_name) & quotes.str.contains(
            entry.quote.strip(), regex=False
        )
        if entry.metric is not None:
            hit &= facts["metric"] == entry.metric
        if entry.region is not None:
            hit &= facts["region"] == entry.region.strip()
        hit &= ~facts.index.isin(rejected)
        rows = list(facts.index[hit.fillna(False)])
        picked = "".join(f", {x}" for x in (entry.metric, entry.region) if x)
        about = f"{where} ({entry.file_name}: 「{entry.quote.strip()}」{picked})"
        if not rows:
            done.warning = (
                f"{about} finds no fact: nothing changed; copy a piece of the quote `jzanalysis extract` prints"
            )
        elif len(rows) > 1:
            which = "、".join(f"{r.region} {r.metric}" for r in facts.loc[rows].itertuples())
            done.warning = (
                f"{about} finds {len(rows)} facts ({which}): nothing changed; give a longer quote, "
                "the metric or the region to pick one"
            )
        outcome.applied.append(done)
        if done.warning:
            continue
        index = rows[0]
        done.fact = facts.loc[index].to_dict()
        if index in found_by:
            done.warning = f"{about} finds the same fact as entry {found_by[index]}: both applied, in file order"
        found_by[index] = number
        if entry.action == "accept":
            done.correction = "accepted"
        elif entry.action == "reject":
            done.correction = "rejected"
            rejected.append(index)
        else:
            changed = []
            for name, value in entry.set.fields().items():
                before = facts.at[index, name]
                facts.at[index, name] = value  # None: NaN in a float column
                changed.append(f"{name} {_shown(before)} → {_shown(value)}")
            metric = str(facts.at[index, "metric"])  # a corrected metric brings its own unit
            facts.at[index, "unit"] = get_metric(metric, where).unit
            check_fact_numbers(facts.loc[index], where)
            done.correction = "corrected: " + ", ".join(changed)
        previous = facts.at[index, "correction"]
        facts.at[index, "correction"] = f"{previous}; {done.correction}" if previous else done.correction
        facts.at[index, "to_confirm"] = False
    outcome.rejected = facts.loc[rejected].copy()
    facts = facts.drop(index=rejected).reset_index(drop=True)
    return facts, outcome


# --- showing --------------------------------------------------------------------------------------


def to_confirm_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts marked "to confirm" (confidence below :data:`settings.CONFIRM_BELOW`, not accepted or
    corrected)."""
    if "to_confirm" not in facts:
        return facts.iloc[0:0]
    return facts[facts["to_confirm"].fillna(False).astype(bool)]


def corrected_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts the analyst accepted or corrected (``correction`` not empty)."""
    if "correction" not in facts:
        return facts.iloc[0:0]
    return facts[facts["correction"].fillna("").astype(str) != ""]
