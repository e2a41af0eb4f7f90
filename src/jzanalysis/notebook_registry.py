"""The notebooks the package ships, one entry each: what a run of it is called, what it needs computed, what
the batch index shows of it and where it stands there.

Everything that differs between notebooks is read from here: the run's file stem
(:func:`jzanalysis.batch.grid.naming.run_stem`), its page title (:func:`jzanalysis.report.document_title`),
the analyses a batch computes for it once (:mod:`jzanalysis.batch.grid`), its headline and its place in the
index (:mod:`jzanalysis.batch.index`), the wheel's list of notebooks (``pyproject.toml``, checked against this
list by ``tests/test_notebooks.py``). Adding a notebook is one entry here (CONTRIBUTING.md, "A notebook").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The stem of a run of a notebook with no ``stem`` of its own: ``audit_2015_m07``, ``audit_2015_m07_en``.
DEFAULT_STEM = "{name}_{year}_m{month:02d}{language}"


@dataclass(frozen=True)
class NotebookEntry:
    """One shipped notebook.

    ``stem`` is the readable part of a run's name, a format string with ``name`` (the file's stem), ``year``,
    ``month``, ``region``, ``language`` (``""`` in Chinese, ``"_en"``) and ``suffix`` (the scenario and
    language, :func:`jzanalysis.report.file_suffix`). ``analyses`` are the ``forecast`` flags the notebook's
    kernel passes to ``pipeline.analyse`` (computed once by a batch; empty: it computes its own).
    ``headline`` names what the index shows of a run (a key of ``batch.grid.naming.HEADLINES``; ``None``: only
    the bulletin's date). ``title`` is the catalogue key of the page title; a report title (``title.report``)
    says the review (December) and undated forms, and the scenario when ``scenario_in_title``. ``per_county``:
    a run is about one county, which its stem, title and description name (not the county's city).
    """

    file: str
    stem: str = DEFAULT_STEM
    analyses: tuple[bool, ...] = ()
    headline: str | None = None
    title: str = "title.report"
    scenario_in_title: bool = False
    per_county: bool = False

    @property
    def name(self) -> str:
        return Path(self.file).stem


#: In the order the batch index lists the runs of one snapshot.
NOTEBOOKS: tuple[NotebookEntry, ...] = (
    NotebookEntry(
        "report.ipynb",
        stem="forecast_{year}_m{month:02d}{suffix}",
        analyses=(True,),
        headline="forecast",
        scenario_in_title=True,
    ),
    NotebookEntry("counties.ipynb", analyses=(False,), headline="counties", title="title.counties"),
    NotebookEntry(
        "county.ipynb",
        stem="county_{year}_m{month:02d}_{region}{language}",
        analyses=(False,),
        headline="county",
        title="title.county",
        per_county=True,
    ),
    NotebookEntry("audit.ipynb", headline="audit", title="title.audit"),
    NotebookEntry("explore.ipynb"),
)


def registered(notebook: str) -> NotebookEntry | None:
    """The entry of a shipped notebook by file name (``report.ipynb``); ``None`` for any other notebook."""
    return next((entry for entry in NOTEBOOKS if entry.file == notebook), None)


def entry_of(notebook: str) -> NotebookEntry:
    """The entry of a shipped notebook; for any other notebook the defaults (its own stem, a report title,
    no analyses computed for it, no headline)."""
    return registered(notebook) or NotebookEntry(notebook)


def kind_of(notebook: str) -> NotebookEntry:
    """The entry whose words a notebook's page uses: its own, or for a notebook of one's own the entry its
    name starts with (``county_extra.ipynb`` is titled as a county), else a plain report's."""
    own = registered(notebook)
    if own is not None:
        return own
    by_length = sorted(NOTEBOOKS, key=lambda entry: -len(entry.name))
    return next((entry for entry in by_length if notebook.startswith(entry.name)), NotebookEntry(notebook))


def index_order(notebook: str | None) -> int:
    """Where a run stands among the runs of one snapshot in the index: the registry's order, others last."""
    entry = registered(notebook or "")
    return NOTEBOOKS.index(entry) if entry is not None else len(NOTEBOOKS)
