"""The committed notebooks: no outputs, one parameters cell, each paired with its percent script and in step."""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest

from jzanalysis import settings

from .conftest import TESTS_DIR

SHIPPED = sorted(settings.NOTEBOOKS_DIR.glob("*.ipynb"))
COMMITTED = SHIPPED + sorted((TESTS_DIR / "fixtures" / "notebooks").glob("*.ipynb"))


def test_the_package_ships_the_five_notebooks():
    assert [p.name for p in SHIPPED] == [
        "audit.ipynb",
        "counties.ipynb",
        "county.ipynb",
        "explore.ipynb",
        "report.ipynb",
    ]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_a_committed_notebook_carries_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert (cell.outputs, cell.execution_count) == ([], None), f"{path.name}: run nbstripout on it"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_notebook_has_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_notebook_and_its_percent_script_are_in_step(path):
    script = path.with_suffix(".py")
    assert script.is_file(), f"no {script.name}: jupytext --set-formats ipynb,py:percent {path}"
    in_step = _cells(nbformat.read(path, as_version=4)) == _cells(jupytext.read(script))
    assert in_step, f"{path.name} and {script.name} differ: jupytext --sync {path} (the newer one wins)"


def test_every_percent_script_has_its_notebook():
    scripts = sorted(p.stem for p in settings.NOTEBOOKS_DIR.glob("*.py"))
    assert scripts == [p.stem for p in SHIPPED]


def test_the_wheel_carries_every_notebook():
    import tomllib

    pyproject = tomllib.loads((settings.CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    carried = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert carried == {f"notebooks/{p.name}": f"jzanalysis/notebooks/{p.name}" for p in SHIPPED}


def test_the_registry_lists_every_shipped_notebook_in_the_wheel_order():
    # one entry per file in notebooks/, and pyproject's force-include (the wheel) is the same five
    import tomllib

    from jzanalysis.notebook_registry import NOTEBOOKS

    assert sorted(entry.file for entry in NOTEBOOKS) == [p.name for p in SHIPPED]
    pyproject = tomllib.loads((settings.CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    carried = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert carried == {f"notebooks/{e.file}": f"jzanalysis/notebooks/{e.file}" for e in NOTEBOOKS}


def test_adding_a_notebook_is_one_registry_entry(tmp_path, monkeypatch):
    """A notebook added to a copy of notebooks/ with one registry entry gets, in a batch, its stem, its
    title, the analyses it asks for, its headline and its place in the index, from that entry alone."""
    import shutil

    from jzanalysis import notebook_registry
    from jzanalysis.batch import plan, read_grid
    from jzanalysis.batch.index import published_runs
    from jzanalysis.notebook_registry import NotebookEntry

    folder = tmp_path / "notebooks"
    shutil.copytree(settings.NOTEBOOKS_DIR, folder)
    shutil.copy(folder / "counties.ipynb", folder / "summary.ipynb")
    monkeypatch.setattr(settings, "NOTEBOOKS_DIR", folder)
    entry = NotebookEntry("summary.ipynb", analyses=(False,), headline="counties", title="title.counties")
    monkeypatch.setattr(notebook_registry, "NOTEBOOKS", (*notebook_registry.NOTEBOOKS, entry))
    grid = tmp_path / "grid.yaml"
    grid.write_text("runs:\n  - summary.ipynb\n  - counties.ipynb\n", encoding="utf-8")
    summary, counties = plan(read_grid(grid))[0]
    # the seed bulletin: 荆州市, January–July 2015
    assert summary.stem == "summary_2015_m07"
    assert (
        summary.title == counties.title == "荆州市2015年1-7月县市区比较"
    )  # title.counties: {city}{year}年{period}县市区比较
    assert summary.analyses == counties.analyses == (False,)
    assert summary.headline == counties.headline and len(summary.headline) == 2  # the date and the first finding
    # listed after the five shipped notebooks of the same snapshot
    for number, job in enumerate((summary, counties)):
        run = tmp_path / "out" / f"run{number}"
        run.mkdir(parents=True)
        record = {"name": run.name, "notebook": job.notebook, "parameters": {"year": 2015, "as_of_month": 7}}
        (run / "run.json").write_text(json.dumps(record), encoding="utf-8")
    assert [r["notebook"] for r in published_runs(tmp_path / "out")] == ["counties.ipynb", "summary.ipynb"]


def test_a_notebook_of_ones_own_takes_the_words_of_the_entry_its_name_starts_with():
    from jzanalysis.notebook_registry import index_order, kind_of

    # county_extra.ipynb is titled as a county (its own county named, not the city), counties_x.ipynb as the
    # comparison; a report_v2.ipynb's title says its scenario; any other name gets a report's title alone
    assert kind_of("county_extra.ipynb").file == "county.ipynb" and kind_of("county_extra.ipynb").per_county
    assert kind_of("counties_x.ipynb").file == "counties.ipynb"
    assert kind_of("report_v2.ipynb").scenario_in_title
    mine = kind_of("mine.ipynb")
    assert (mine.title, mine.scenario_in_title, mine.analyses, mine.headline) == ("title.report", False, (), None)
    # the index lists report, counties, county, audit, explore, then anything else
    assert [index_order(n) for n in ("report.ipynb", "audit.ipynb", "explore.ipynb", "mine.ipynb", None)] == [
        0,
        3,
        4,
        5,
        5,
    ]
