"""A grid's runs: :class:`Job` (one notebook with its parameters, name and title) and :class:`GridSpec` (a grid
before expansion), with the words a grid file uses and its bounds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import settings
from ...notebook_registry import entry_of
from ...run_folder import canonical_parameters, run_name

EACH_COUNTY = "each-county"
EACH_BULLETIN = "each-bulletin"

#: What a grid file may be: its size, how deep its YAML nests, how many runs it asks for (``--max-runs``
#: raises the last). A grid is a short hand-written file; these stop a file built to be huge (a YAML
#: "billion laughs", a list of a million values) before anything is hashed, expanded or run.
MAX_GRID_BYTES = 1 << 20
MAX_DEPTH = 20
MAX_RUNS = 1000
MAX_NOTEBOOK_BYTES = 32 << 20


class Job:
    """One notebook run of a batch: the notebook, resolved parameters, a readable stem and a title.

    ``params`` may be given as the dict of a cached plan: then it becomes a ReportParams only when
    needed (an unchanged batch checks every run without importing pydantic or pandas).
    """

    def __init__(
        self,
        notebook: str,
        params,
        stem: str,
        title: str,
        formats: tuple[str, ...] = ("html", "pdf"),
        notebook_path: Path | None = None,
        headline: tuple = (),
        *,
        name: str | None = None,
        canonical: dict | None = None,
    ) -> None:
        self.notebook, self.stem, self.title = notebook, stem, title
        self.formats, self.notebook_path, self.headline = tuple(formats), notebook_path, tuple(headline)
        self._params = None if isinstance(params, dict) else params
        self._data = params if isinstance(params, dict) else None
        self._name, self._canonical = name, canonical

    def __repr__(self) -> str:
        return f"Job({self.notebook!r}, {self.name!r})"

    @property
    def params(self):
        if self._params is None:
            from ...params import ReportParams  # pydantic: only when a cached plan's run must execute

            self._params = ReportParams(**self._data)
        return self._params

    @property
    def source(self) -> str:
        return self._data["source"] if self._params is None else self._params.source

    @property
    def county_plans(self) -> str | None:
        return self._data.get("county_plans") if self._params is None else self._params.county_plans

    @property
    def corrections(self) -> str | None:
        return self._data.get("corrections") if self._params is None else self._params.corrections

    @property
    def canonical(self) -> dict:
        """The parameters as they name the run (see :func:`jzanalysis.runner.canonical_parameters`)."""
        if self._canonical is None:
            self._canonical = canonical_parameters(self.params)
        return self._canonical

    @property
    def name(self) -> str:
        """Folder and file name: the stem plus a hash of notebook and parameters."""
        if self._name is None:
            self._name = run_name(self.stem, self.notebook, self.params, self.formats)
        return self._name

    @property
    def path(self) -> Path:
        return self.notebook_path or settings.NOTEBOOKS_DIR / self.notebook

    @property
    def analyses(self) -> tuple[bool, ...]:
        return () if self.notebook_path else entry_of(self.notebook).analyses

    def describe(self) -> str:
        """``county.ipynb [region=江陵县, 2015-07]``: the notebook and what sets this run apart."""
        extra = []
        if entry_of(self.notebook).per_county:
            extra.append(f"region={self.params.region}")
        if self.params.dispersion is not None:
            extra.append(f"dispersion={self.params.dispersion:g}")
        extra.append(f"{self.params.year}-{self.params.as_of_month:02d}")
        return f"{self.notebook} [{', '.join(extra)}]"

    def to_json(self) -> dict:
        return {
            "notebook": self.notebook,
            "params": self.params.model_dump(mode="json"),
            "stem": self.stem,
            "title": self.title,
            "formats": list(self.formats),
            "notebook_path": str(self.notebook_path) if self.notebook_path else None,
            "headline": [list(item) for item in self.headline],
            "name": self.name,
            "canonical": self.canonical,
        }

    @classmethod
    def from_json(cls, data: dict) -> Job:
        return cls(
            notebook=data["notebook"],
            params=data["params"],
            stem=data["stem"],
            title=data["title"],
            formats=tuple(data["formats"]),
            notebook_path=Path(data["notebook_path"]) if data.get("notebook_path") else None,
            headline=tuple(tuple(item) for item in data.get("headline", [])),
            name=data["name"],
            canonical=data["canonical"],
        )


# --- a grid before expansion ------------------------------------------------------------------------


@dataclass
class GridSpec:
    """A grid before expansion: defaults and run entries, paths already made absolute."""

    defaults: dict[str, Any]
    formats: tuple[str, ...]
    runs: list[dict[str, Any]]
    origin: str = "grid"
    max_runs: int = MAX_RUNS
    overrides: dict[str, Any] = field(default_factory=dict)  # what the command line set over the grid

    def to_json(self) -> dict:
        return {"defaults": self.defaults, "formats": list(self.formats), "runs": self.runs}

    @property
    def owner(self) -> str:
        """Who the grid's runs in an output folder belong to: the grid file with the command line's values
        (a shard by month, ``--as-of 6``, owns other runs than ``--as-of 7``), or the command line alone."""
        origin = str(Path(self.origin).resolve()) if Path(self.origin).is_file() else self.origin
        values = json.dumps(self.overrides, sort_keys=True, ensure_ascii=False, default=str)
        return f"{origin} {values}"
