"""Validated tidy facts: bulletins (checked against the raw-data manifest) or a facts CSV → one table.

>>> ds = load_bulletins([settings.SEED_BULLETIN])          # doctest: +SKIP
>>> ds.facts.query("metric == 'projects_100m' and region == '荆州市'").value.item()  # doctest: +SKIP
174.0
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import settings
from .errors import InputError, RawFileChanged
from .metrics import METRICS
from .regions import Region, find_region, infer_region
from .schema import ALL_COLUMNS, FACT_COLUMNS, facts_frame


@dataclass
class Dataset:
    """Facts plus where they came from: one extraction result per bulletin (empty for a facts CSV).

    ``region`` is the city the facts are about (given, or the one city the bulletins name; None when they
    name none or several: ``cities`` lists them).
    """

    facts: pd.DataFrame
    extractions: list = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)  # {"path", "sha256"} per input file
    warnings: list[str] = field(default_factory=list)
    region: Region | None = None
    cities: list[str] = field(default_factory=list)

    def require_region(self) -> Region:
        """The city the facts are about, or a one-line InputError saying how to give it."""
        if self.region is not None:
            return self.region
        if len(self.cities) > 1:
            raise InputError(f"the data holds figures of {len(self.cities)} cities ({'、'.join(self.cities)}); pick one with --region NAME")
        if self.cities:
            raise InputError(f"{self.cities[0]} is not a known region; give a city with --region NAME")
        raise InputError("the data does not name its city; give it with --region NAME (e.g. --region 荆州市)")

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


def load_manifest(manifest_path: Path = settings.MANIFEST_PATH) -> dict[str, dict]:
    """The raw-data manifest: file name → {"sha256", ...}; empty when there is none."""
    if not manifest_path.is_file():
        return {}
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError) as exc:
        raise InputError(f"{manifest_path} is not a valid manifest (expected {{\"files\": {{name: {{\"sha256\": ...}}}}}}): {exc}") from None


def verify_raw_file(path: Path, manifest_path: Path = settings.MANIFEST_PATH) -> str | None:
    """Check a file under data/raw/ against the manifest.

    Returns a warning for a raw file the manifest does not list (None when all is well or the file
    lives elsewhere); raises :class:`RawFileChanged` when the bytes no longer match the recorded sha256,
    because data/raw/ is immutable input and a changed file must not silently give a new result.
    """
    path = Path(path).resolve()
    raw_dir = manifest_path.parent.resolve()
    if raw_dir not in path.parents:
        return None
    entry = load_manifest(manifest_path).get(path.name)
    if entry is None:
        return f"{path.name} is in {raw_dir} but not in its manifest.json; add its sha256 there to make it part of the record"
    actual = sha256_of(path)
    if actual != entry["sha256"]:
        raise RawFileChanged(
            f"{path.name} has changed: sha256 {actual[:12]}… but the manifest records {entry['sha256'][:12]}…; "
            "raw bulletins are immutable, add a new file instead"
        )
    return None


def load_bulletins(paths: list[Path | str], region: Region | None = None) -> Dataset:
    """Extract facts from bulletin files or folders into one validated :class:`Dataset`.

    ``region``: the city the bulletins are about (``--region``); None finds it from each text."""
    from .sources import extract_paths  # the sources stage is heavy (opencc, bs4); import on use

    if not paths:
        raise InputError("no bulletin given; pass a file or folder (e.g. data/raw/)")
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"no such file or folder: {path}")
    results = extract_paths([Path(p) for p in paths], region)
    warnings: list[str] = []
    for result in results:
        warning = verify_raw_file(Path(result.path))
        if warning:
            warnings.append(warning)
        warnings.extend(f"{result.source}: {w}" for w in result.warnings)
    frames = [r.facts for r in results if not r.facts.empty]
    facts = pd.concat(frames, ignore_index=True) if frames else facts_frame()
    validate_facts(facts, origin="extracted facts")
    inputs = [{"path": str(r.path), "sha256": r.sha256} for r in results]
    cities = sorted({r.city_name for r in results if r.city_name})
    if region is None and len(cities) == 1:
        region = find_region(cities[0])
    return Dataset(facts=facts, extractions=results, inputs=inputs, warnings=warnings, region=region, cities=cities)


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
    try:
        facts = facts_frame(frame[ALL_COLUMNS].to_dict("records"))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path}: a column has a value of the wrong type ({str(exc).splitlines()[0]})") from None
    validate_facts(facts, origin=str(path))
    cities = sorted({c for c in facts.city.dropna().astype(str)}) if "city" in facts else []
    if region is None:
        region = find_region(cities[0]) if len(cities) == 1 else (infer_region(facts.region.dropna().unique()) if not cities else None)
    if region is not None and not cities:
        cities = [region.name]
    return Dataset(facts=facts, inputs=[{"path": str(path), "sha256": sha256_of(path)}], region=region, cities=cities)


def validate_facts(facts: pd.DataFrame, origin: str) -> None:
    """Raise a one-line InputError for the first row that breaks the facts contract.

    Regions are names, checked against a city's profile where they are used (a unit a profile lacks is
    kept under its own name, so any non-empty name is allowed here)."""
    for index, row in facts.iterrows():
        where = f"{origin} row {index + 1}"
        if row.metric not in METRICS:
            raise InputError(f"{where}: unknown metric {row.metric!r}; allowed: {', '.join(METRICS)}")
        if pd.isna(row.region) or not str(row.region).strip():
            raise InputError(f"{where}: region is empty; give the city's name for a city-wide figure, else the county's")
        if pd.isna(row.months) or not 1 <= int(row.months) <= 12:
            raise InputError(f"{where}: months must be 1..12 (the figure covers January..months), got {row.months!r}")
        if pd.isna(row.value):
            raise InputError(f"{where}: value is missing for {row.metric}")
