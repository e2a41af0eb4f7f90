"""The committed notebooks: no outputs, one parameters cell, each paired with its percent script and in step."""

from __future__ import annotations

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
