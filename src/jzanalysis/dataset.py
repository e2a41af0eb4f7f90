"""Validated tidy facts: bulletins (checked against the raw-data manifest) or a facts CSV → one table.

>>> ds = load_bulletins([settings.SEED_BULLETIN])          # doctest: +SKIP
>>> ds.facts.query("metric == 'projects_100m' and region == '荆州市'").value.item()  # doctest: +SKIP
174.0
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import bounds, settings
from .errors import InputError, RawFileChanged
from .metrics import METRICS, get_metric
from .notes import Note
from .regions import Region, find_region, infer_region
from .schema import ALL_COLUMNS, FACT_COLUMNS, check_fact_numbers, facts_frame

if TYPE_CHECKING:
    from .corrections import Outcome


@dataclass
class Dataset:
    """Facts plus where they came from: one extraction result per bulletin (empty for a facts CSV).

    ``region`` is the city the facts are about (given, or the one city the bulletins name; None when they
    name none or several: ``cities`` lists them).
    """

    facts: pd.DataFrame
    extractions: list = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)  # {"path", "sha256"} per input file
    notes: list[Note] = field(default_factory=list)  # each file's notes, then the corrections file's
    region: Region | None = None
    cities: list[str] = field(default_factory=list)
    # the analyst's corrections applied to ``facts`` (None: no corrections file; see jzanalysis.corrections)
    corrections: Outcome | None = None

    def require_region(self) -> Region:
        """The city the facts are about, or a one-line InputError saying how to give it."""
        if self.region is not None:
            return self.region
        if len(self.cities) > 1:
            raise InputError(
                f"the data holds figures of {len(self.cities)} cities ({'、'.join(self.cities)}); pick one with --region NAME"
            )
        if self.cities:
            raise InputError(f"{self.cities[0]} is not a known region; give a city with --region NAME")
        raise InputError("the data does not name its city; give it with --region NAME (e.g. --region 荆州市)")

    @property
    def warnings(self) -> list[str]:
        """The notes as the lines ``extract`` prints ("FILE: sentence")."""
        return [str(note) for note in self.notes]

    def latest_snapshot(self, metric: str, region: str) -> tuple[int, int]:
        """(year, months) of the most recent January..M figure of ``metric`` for ``region``."""
        rows = self.facts[(self.facts.metric == metric) & (self.facts.region == region) & self.facts.year.notna()]
        if rows.empty:
            raise InputError(f"the data has no {metric} figure for {region} with a known year; pass --year and --as-of")
        latest = rows.sort_values(["year", "months"]).iloc[-1]
        return int(latest.year), int(latest.months)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_SHA256_HEX = frozenset("0123456789abcdef")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def manifest_command(raw_dir: Path) -> str:
    """The command that (re)writes the manifest of ``raw_dir``."""
    return f"jzanalysis manifest {_shown(raw_dir)}"


def load_manifest(manifest_path: Path | None = None) -> dict[str, dict]:
    """The raw-data manifest: file name → {"sha256", ...}.

    The manifest is required: a missing one, a folder or a link in its place, invalid JSON, ``files`` that
    is not an object, an entry without a 64-hex ``sha256`` — each is a one-line :class:`InputError` that
    names the command rebuilding it (``jzanalysis manifest data/raw``).
    """
    manifest_path = Path(manifest_path or settings.MANIFEST_PATH)
    rebuild = f"rebuild it with `{manifest_command(manifest_path.parent)}`"
    if manifest_path.is_symlink():
        raise InputError(
            f"{manifest_path} is a symbolic link; the manifest must be a file in {manifest_path.parent}: "
            f"remove the link, then {rebuild}"
        )
    if manifest_path.is_dir():
        raise InputError(f"{manifest_path} is a folder, not a manifest: remove it, then {rebuild}")
    if not manifest_path.exists():
        raise InputError(
            f"{manifest_path} is missing: every file in {manifest_path.parent} is checked against it; {rebuild}"
        )
    try:
        document = json.loads(manifest_path.read_bytes().decode("utf-8"))
    except (ValueError, OSError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{manifest_path} is not valid JSON ({reason}); {rebuild}") from None
    expected = '{"files": {name: {"sha256": ...}}}'
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        got = "no files" if files is None else f"files as a {type(files).__name__}"
        raise InputError(f"{manifest_path} is malformed: expected {expected}, got {got}; {rebuild}")
    for name, entry in files.items():
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not (isinstance(digest, str) and len(digest) == 64 and set(digest) <= _SHA256_HEX):
            problem = "has no sha256" if digest is None else f"has sha256 {str(digest)[:70]!r}, not 64 hex digits"
            raise InputError(f"{manifest_path} is malformed: entry {name!r} {problem}; {rebuild}")
    return files


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def verify_raw_file(path: Path, manifest_path: Path | None = None, *, sha256: str | None = None) -> None:
    """Check a file under data/raw/ against the manifest; files elsewhere are not checked (their sha256
    still goes into the provenance).

    data/raw/ is immutable input, so each of these is an error rather than a new result: the bytes no
    longer match the recorded sha256 (:class:`RawFileChanged`), the file is not in the manifest, the
    manifest is missing or malformed (see :func:`load_manifest`), or the path is a symbolic link that
    leads out of data/raw/. ``sha256``: the digest of the bytes actually read (default: hash the file now).
    """
    manifest_path = Path(manifest_path or settings.MANIFEST_PATH)
    raw_dir = os.path.realpath(manifest_path.parent)
    given = os.path.abspath(path)
    real = os.path.realpath(given)
    # Through data/raw/ by name: some folder on the way (links followed) is data/raw/ itself.
    ancestors = [os.path.dirname(given)]
    while os.path.dirname(ancestors[-1]) != ancestors[-1]:
        ancestors.append(os.path.dirname(ancestors[-1]))
    named_in_raw = any(os.path.realpath(folder) == raw_dir for folder in ancestors)
    if named_in_raw and not _under(real, raw_dir):
        raise InputError(
            f"{path} is a symbolic link to {real}, outside {raw_dir}; raw bulletins must be files "
            f"inside it (copy the file there and record it with `{manifest_command(manifest_path.parent)}`)"
        )
    if not _under(real, raw_dir):
        return None
    name = Path(os.path.relpath(real, raw_dir)).as_posix()
    entry = load_manifest(manifest_path).get(name)
    if entry is None:
        raise InputError(
            f"{name} is in {raw_dir} but not in its manifest.json; every raw bulletin is checked "
            f"against its sha256: record it with `{manifest_command(manifest_path.parent)}`"
        )
    actual = sha256 or sha256_of(Path(real))
    if actual != entry["sha256"]:
        raise RawFileChanged(
            f"{name} has changed: sha256 {actual[:12]}… but the manifest records {entry['sha256'][:12]}…; "
            "raw bulletins are immutable, add a new file instead"
        )
    return None


MANIFEST_ABOUT = (
    "Immutable input bulletins. Every file here is checked against its sha256 before use; "
    "a changed file is an error, not a new result."
)


@dataclass
class ManifestUpdate:
    """What :func:`write_manifest` did: file names added, kept, updated (changed bytes accepted), dropped."""

    path: Path
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    replaced_invalid: str | None = None  # why the old manifest could not be read, when it could not

    def summary(self) -> str:
        counts = ", ".join(
            f"{len(v)} {k}"
            for k, v in (
                ("added", self.added),
                ("kept", self.kept),
                ("updated", self.updated),
                ("dropped", self.dropped),
            )
        )
        recorded = len(self.added) + len(self.kept) + len(self.updated)
        return f"{_shown(self.path)}: {recorded} file{'' if recorded == 1 else 's'} recorded ({counts})"


def write_manifest(raw_dir: Path | str, *, accept_changes: bool = False) -> ManifestUpdate:
    """(Re)write ``raw_dir/manifest.json`` from the bulletin files in ``raw_dir`` (.txt, .htm, .html).

    Entries of files whose bytes still match are kept as they are (with their descriptions); new files
    are added; entries of files that are gone are dropped. A listed file whose bytes changed is an
    InputError unless ``accept_changes`` (raw bulletins are immutable: a change is news, not an update).
    A symbolic link is refused. A missing or unreadable manifest is written anew. The file is replaced
    atomically (written beside it, then renamed).
    """
    from .sources.read import BULLETIN_SUFFIXES  # the sources stage is heavy (opencc, bs4): import on use

    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(f"{raw_dir} is not a folder; allowed: the folder of raw bulletins, e.g. data/raw")
    manifest_path = raw_dir / "manifest.json"
    if manifest_path.is_dir() and not manifest_path.is_symlink():
        raise InputError(f"{manifest_path} is a folder: move it away first (nothing was written)")
    update = ManifestUpdate(path=manifest_path)
    old: dict[str, dict] = {}
    about = MANIFEST_ABOUT
    if manifest_path.exists() or manifest_path.is_symlink():
        try:
            old = load_manifest(manifest_path)
            about = json.loads(manifest_path.read_text(encoding="utf-8")).get("about", about)
        except InputError as exc:
            update.replaced_invalid = str(exc).split(";")[0]
    files = sorted(p for p in raw_dir.iterdir() if p.suffix.lower() in BULLETIN_SUFFIXES and not p.name.startswith("."))
    links = [p for p in files if p.is_symlink()]
    if links:
        raise InputError(
            f"{links[0]} is a symbolic link (to {os.path.realpath(links[0])}); raw bulletins must be files "
            f"in {raw_dir}: copy the file there instead (nothing was written)"
        )
    entries: dict[str, dict] = {}
    changed: list[str] = []
    for path in files:
        if not path.is_file():
            continue
        digest = sha256_of(path)
        entry = old.get(path.name)
        if entry is None:
            entries[path.name] = {"sha256": digest, "bytes": path.stat().st_size}
            update.added.append(path.name)
        elif entry["sha256"] == digest:
            entries[path.name] = entry
            update.kept.append(path.name)
        else:
            changed.append(path.name)
            entries[path.name] = {**entry, "sha256": digest, "bytes": path.stat().st_size}
            update.updated.append(path.name)
    if changed and not accept_changes:
        raise RawFileChanged(
            f"{changed[0]} has changed since {manifest_path.name} was written ({len(changed)} changed file(s)); raw "
            "bulletins are immutable: restore it or add a new file, or pass --accept-changes to record the new bytes "
            "(nothing was written)"
        )
    update.dropped = sorted(set(old) - set(entries))
    text = json.dumps({"about": about, "files": entries}, ensure_ascii=False, indent=2) + "\n"
    temporary = raw_dir / f".manifest.json.{os.getpid()}.tmp"
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, manifest_path)
    finally:
        temporary.unlink(missing_ok=True)
    return update


def load_bulletins(
    paths: list[Path | str], region: Region | None = None, corrections: Path | str | None = None
) -> Dataset:
    """Extract facts from bulletin files or folders into one validated :class:`Dataset`, with the analyst's
    corrections applied (the one place they are: every command and notebook reads bulletins through here).

    ``region``: the city the bulletins are about (``--region``); None finds it from each text.
    ``corrections``: a corrections YAML file; None: ``data/corrections.yaml`` when it exists
    (:func:`jzanalysis.corrections.corrections_path`)."""
    # imported on use: the sources stage is heavy (opencc, bs4), corrections need pydantic
    from .corrections import apply_corrections, corrections_path, load_corrections
    from .sources import bulletin_files, extract_file
    from .sources.read import printable

    if not paths:
        raise InputError("no bulletin given; pass a file or folder (e.g. data/raw/)")
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"no such file or folder: {path}")
    files = bulletin_files([Path(p) for p in paths])
    fixes_path = corrections_path(corrections)
    fixes = load_corrections(fixes_path) if fixes_path else None  # a malformed file fails before any reading
    for path in files:  # before reading: a changed or unlisted raw file is not even extracted
        verify_raw_file(path)
    results = [extract_file(path, region) for path in files]
    notes: list[Note] = []
    for path, result in zip(files, results):
        verify_raw_file(path, sha256=result.sha256)  # the bytes extracted are the bytes recorded
        notes.extend(Note("dataset.in_file", {"source": result.source, "note": note}) for note in result.notes)
    frames = [r.facts for r in results if not r.facts.empty]
    facts = pooled(pd.concat(frames, ignore_index=True)) if frames else facts_frame()
    validate_facts(facts, origin=None)
    outcome = None
    if fixes is not None:
        facts, outcome = apply_corrections(facts, fixes, [r.source for r in results])
        # each names the corrections file and its entry
        notes.extend(Note("dataset.correction", {"text": text}) for text in outcome.warnings)
    inputs = [{"path": printable(str(r.path)), "sha256": r.sha256} for r in results]
    cities = sorted({r.city_name for r in results if r.city_name})
    if region is None and len(cities) == 1:
        region = find_region(cities[0])
    return Dataset(
        facts=facts,
        extractions=results,
        inputs=inputs,
        notes=notes,
        region=region,
        cities=cities,
        corrections=outcome,
    )


def pooled(facts: pd.DataFrame) -> pd.DataFrame:
    """``facts`` with each variant figure (a metric with a ``family`` in metrics.toml: a 新签约 count,
    ``projects_signed_100m``) filed under its family's id where the family has no figure of its own for that
    year, months and region: the series a forecast and a report read. The extraction results keep the variant.

    >>> f = facts_frame([dict(year=2024, months=6, region="六安市", metric="projects_signed_100m", value=174, unit="个")])
    >>> pooled(f).metric.tolist()
    ['projects_100m']
    """
    family = {m.id: m.family_id for m in METRICS.values() if m.family}
    variants = facts.metric.isin(list(family))
    if not variants.any():
        return facts
    own = set(zip(facts.year, facts.months, facts.region, facts.metric))
    facts = facts.copy()
    for index in facts.index[variants]:
        row = facts.loc[index]
        key = (row.year, row.months, row.region, family[row.metric])
        if key not in own:
            facts.at[index, "metric"] = family[row.metric]
            own.add(key)
    return facts


def read_facts_csv(path: Path | str, region: Region | None = None) -> Dataset:
    """Read a facts table written by ``jzanalysis extract`` (CSV with the facts columns) and validate it.

    ``region``: the city the table is about; None takes it from its ``city`` column or its region names."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such facts file: {path}")
    try:
        frame = pd.read_csv(path, dtype={"region": "string", "metric": "string", "quote": "string"})
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not a readable facts CSV: {str(exc).splitlines()[0]}") from None
    missing = [c for c in FACT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path} lacks facts column(s) {', '.join(missing)}; expected: {', '.join(FACT_COLUMNS)}")
    for column in ALL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    for column, allowed in (("year", bounds.YEAR), ("months", bounds.MONTHS)):
        # whole numbers in range before the typed table is made (1e30 would not fit an integer column)
        for number, value in enumerate(frame[column], start=1):
            if not pd.isna(value):
                bounds.check_range(f"{path} row {number}: {column}", value, allowed, whole=True)
    try:
        facts = pooled(facts_frame(frame[ALL_COLUMNS].to_dict("records")))
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"{path}: a column has a value of the wrong type ({str(exc).splitlines()[0]})") from None
    validate_facts(facts, origin=str(path))
    cities = sorted(set(facts.city.dropna().astype(str))) if "city" in facts else []
    if region is None:
        region = (
            find_region(cities[0])
            if len(cities) == 1
            else (infer_region(facts.region.dropna().unique()) if not cities else None)
        )
    if region is not None and not cities:
        cities = [region.name]
    return Dataset(facts=facts, inputs=[{"path": str(path), "sha256": sha256_of(path)}], region=region, cities=cities)


def validate_facts(facts: pd.DataFrame, origin: str | None) -> None:
    """Raise a one-line InputError for the first row that breaks the facts contract: a known metric, a
    region name, months 1..12, a year 1990..2100 (or none), a value inside its unit's range, a percent of plan
    0.01..1000 and a growth -100..10000 % (see :mod:`jzanalysis.bounds`).

    ``origin`` names the table (a file) and rows are counted from 1; None for facts extracted from bulletins,
    whose rows are named by their source file and quote.
    """
    for number, row in enumerate(facts.itertuples(index=False), start=1):
        where = f"{origin} row {number}" if origin is not None else f"{row.source}: 「{_short(row.quote)}」"
        get_metric(row.metric, where)
        # region: names, checked against a city's profile where they are used (a unit a profile lacks is
        # kept under its own name, so any non-empty name is allowed here)
        if pd.isna(row.region) or not str(row.region).strip():
            raise InputError(
                f"{where}: region is empty; give the city's name for a city-wide figure, else the county's"
            )
        check_fact_numbers(row, where)
        confidence = getattr(row, "confidence", None)
        if confidence is not None and not pd.isna(confidence):
            bounds.check_range(f"{where}: confidence", confidence, (0.0, 1.0))


def _short(text, limit: int = 40) -> str:
    text = "" if pd.isna(text) else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
