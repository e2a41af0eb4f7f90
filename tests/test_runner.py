"""The runner's kernels with real processes: many at once must not cross or collide, kernels forked from
the warm template are real, fresh kernels, and what is published does not depend on when it ran."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from jzanalysis.kernels import Template, forked_kernel_manager
from jzanalysis.runner import execute_notebook, execute_with_papermill, export_pdf, normalise_notebook


def _notebook(code: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "jzanalysis", "display_name": "Python (jzanalysis)", "language": "python"}
    return nb


def _run_one(number: int) -> tuple[int, str]:
    folder = Path(tempfile.mkdtemp(prefix="jz-runner-test-"))
    nbformat.write(_notebook(f"print({number} * 1000 + 7)"), folder / "in.ipynb")
    executed = execute_with_papermill(folder / "in.ipynb", folder / "out.ipynb", {}, folder)
    return number, executed.cells[0].outputs[0].text.strip()


def _ours() -> set[str]:
    return {p for p in os.listdir("/tmp") if p.startswith(f"jzk-{os.getpid()}-")}


@pytest.mark.slow
def test_eight_kernels_on_four_workers_each_answer_their_own_notebook():
    # each notebook prints number × 1000 + 7 (0 → 7, 5 → 5007): an answer from another kernel, a port
    # clash or a socket shared between workers shows up as a wrong number or a failed start
    before = {p for p in os.listdir("/tmp") if p.startswith("jzk-")}
    # spawned, not forked: a test process that ran other things (a Dask cluster) has threads of its own
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        answers = dict(pool.map(_run_one, range(8)))
    assert answers == {n: str(n * 1000 + 7) for n in range(8)}
    after = {p for p in os.listdir("/tmp") if p.startswith("jzk-")}
    assert after - before == set()  # the private socket folders are removed


@pytest.mark.slow
def test_forked_kernels_are_separate_processes_that_answer_their_own_notebook():
    template = Template()
    try:
        template.wait_ready()

        def run(number: int) -> tuple[int, str, str]:
            km = forked_kernel_manager(template, tempfile.gettempdir())
            nb = execute_notebook(
                _notebook(f"import os, sys\nprint({number} * 1000 + 7, os.getpid(), 'pandas' in sys.modules, len(In))"),
                {},
                km=km,
            )
            value, pid, preloaded, history = nb.cells[0].outputs[0].text.split()
            return number, value, pid, preloaded, history

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(run, range(8)))
        assert [(n, v) for n, v, *_ in answers] == [(n, str(n * 1000 + 7)) for n in range(8)]
        assert len({pid for _, _, pid, _, _ in answers}) == 8  # a new process each time
        assert {pid for _, _, pid, _, _ in answers}.isdisjoint({str(os.getpid()), str(template.process.pid)})
        # the heavy imports were done before (that is the point), the user namespace is fresh: only this
        # cell in the history (In[0] is empty, In[1] this cell)
        assert {(preloaded, history) for *_, preloaded, history in answers} == {("True", "2")}
    finally:
        template.close()
    assert _ours() == set()  # socket folders of the template and of every kernel removed


def test_normalise_drops_timings_and_random_ids():
    nb = _notebook("x = 1")
    injected = nbformat.v4.new_code_cell("# Parameters\nx = 2", metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(0, injected)
    nb.metadata["papermill"] = {
        "start_time": "2026-01-01T00:00:00",
        "end_time": "…",
        "duration": 1.5,
        "input_path": "/tmp/x",
        "output_path": None,
        "parameters": {"x": 2},
    }
    nb.cells[1].metadata["papermill"] = {"start_time": "…", "end_time": "…", "duration": 0.1, "status": "completed"}
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "…"}
    out = normalise_notebook(nb)
    assert out.metadata["papermill"] == {"parameters": {"x": 2}}
    assert out.cells[1].metadata["papermill"] == {"status": "completed"} and "execution" not in out.cells[1].metadata
    assert out.cells[0].id == "injected-parameters"


def test_the_same_html_gives_the_same_pdf_bytes():
    html = "<html><body><h1>荆州市2015年1-7月</h1><p>新引进亿元以上项目174个</p></body></html>"
    first, second = export_pdf(html), export_pdf(html)
    assert first == second and first.startswith(b"%PDF")
    assert b"CreationDate" not in first
    assert export_pdf(html.replace("174", "175")) != first
