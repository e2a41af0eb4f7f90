"""The runner's executor with real kernels: many at once must not cross or collide."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from jzanalysis.runner import execute_with_papermill


def _run_one(number: int) -> tuple[int, str]:
    folder = Path(tempfile.mkdtemp(prefix="jz-runner-test-"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"print({number} * 1000 + 7)")]
    nbformat.write(nb, folder / "in.ipynb")
    executed = execute_with_papermill(folder / "in.ipynb", folder / "out.ipynb", {}, folder)
    return number, executed.cells[0].outputs[0].text.strip()


@pytest.mark.slow
def test_eight_kernels_on_four_workers_each_answer_their_own_notebook():
    # each notebook prints number × 1000 + 7 (0 → 7, 5 → 5007): an answer from another kernel, a port
    # clash or a socket shared between workers shows up as a wrong number or a failed start
    before = {p for p in os.listdir("/tmp") if p.startswith("jzk-")}
    with ProcessPoolExecutor(4) as pool:
        answers = dict(pool.map(_run_one, range(8)))
    assert answers == {n: str(n * 1000 + 7) for n in range(8)}
    after = {p for p in os.listdir("/tmp") if p.startswith("jzk-")}
    assert after - before == set()  # the private socket folders are removed
