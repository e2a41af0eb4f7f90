"""A batch worker: runs tasks (one notebook run each) and sends back the files, never writing to --out.

The same :func:`run_task` serves the local executor (a worker process forked from the kernel template,
talking to the batch over a Unix socket: :func:`serve`) and Dask (:func:`dask_task`, in a Dask worker
process). A task is a plain dict (picklable, so it can cross machines)::

    {"name", "key", "notebook": file name, "notebook_json": the source notebook, "parameters": dict,
     "title", "formats", "artifacts": {artifact key: pickled Analysis}, "cwd"}

and the result is ``{"ok": True, "files": {"ipynb"|"html"|"pdf": bytes}, "seconds"}`` or ``{"ok": False,
"error": {"notebook", "cell", "ename", "evalue", "input_error"}, "notebook": bytes or None}``.

Only the batch (the parent) writes into the output folder: when it is gone, nothing more is written.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from ..analysis_cache import ENVIRONMENT_VARIABLE
from ..errors import InputError
from ..kernels import Template, TemplateClient, forked_kernel_manager, stop_kernel
from ..runner import NotebookFailed, render

# Kernels (and their private folders) this process has started and not yet stopped.
_ACTIVE: set = set()


def _prepare_context(km, task: dict) -> None:
    """Put the run's analysis artifacts and key where the (already started) kernel will look."""
    run_dir = Path(km.socket_dir) / "run"
    run_dir.mkdir(exist_ok=True)
    for key, data in task.get("artifacts", {}).items():
        (run_dir / f"{key}.pkl").write_bytes(data)
    (run_dir / "run-key").write_text(task["key"], encoding="utf-8")


KERNEL_ENV = {ENVIRONMENT_VARIABLE: "{socket_dir}/run", "JZ_RUN_KEY": ""}


def error_record(notebook: str, ename: str, evalue: str, *, input_error: bool = False, cell=None) -> dict:
    """What a failed run reports: the notebook, the cell (when known), the error's name and first line."""
    return {"notebook": notebook, "cell": cell, "ename": ename, "evalue": evalue, "input_error": input_error}


def failed(task: dict, ename: str, evalue: str) -> dict:
    """The result of a task that never ran to its end (its worker died, its cluster lost it)."""
    return {"ok": False, "seconds": 0.0, "error": error_record(task["notebook"], ename, evalue)}


def run_task(task: dict, km) -> dict:
    """Run one task on the started kernel manager ``km`` (stopped afterwards); never raises for the
    notebook's own failures: they are the result."""
    import nbformat  # seconds to import (jsonschema): in the worker, where the template has it already

    started = time.monotonic()
    try:
        _prepare_context(km, task)
        notebook = nbformat.reads(task["notebook_json"], as_version=4)
        notebook.metadata["jzanalysis"] = {"name": task["notebook"]}
        files = render(
            notebook,
            task["parameters"],
            title=task["title"],
            formats=tuple(task["formats"]),
            cwd=task["cwd"],
            km=km,
            after_execute=task.get("_after_execute"),
        )
        return {"ok": True, "files": files, "seconds": time.monotonic() - started}
    except NotebookFailed as exc:
        error = {**error_record(task["notebook"], exc.ename, exc.evalue, cell=exc.cell), "line": exc.line}
    except InputError as exc:
        error = error_record(task["notebook"], "InputError", str(exc), input_error=True)
    except Exception as exc:  # an export failing is this run's failure, not the batch's
        error = error_record(task["notebook"], type(exc).__name__, first_line(exc))
    finally:
        stop_kernel(km)
        _ACTIVE.discard(km)
    return {"ok": False, "error": error, "seconds": time.monotonic() - started}


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message ("" when it has none)."""
    return str(exc).splitlines()[0] if str(exc) else ""


# --- local worker process --------------------------------------------------------------------------


def _on_terminate(signum, frame) -> None:
    """SIGTERM from the batch: kill our kernels, remove their folders, and leave at once."""
    for km in list(_ACTIVE):
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(getattr(km, "socket_dir", ""), ignore_errors=True)
    os._exit(128 + signum)


def serve(args: dict) -> None:
    """Main loop of a local worker (forked from the template): connect to the batch, run what it sends."""
    signal.signal(signal.SIGTERM, _on_terminate)
    # what a library prints must not reach the batch's terminal (its progress bar) or fill the
    # template's pipe: stdout to /dev/null, stderr to a log beside the template's socket (removed with it)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    log = os.open(
        os.path.join(os.path.dirname(args["template"]), f"worker-{args['worker']}.log"),
        os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        0o600,
    )
    os.dup2(log, 2)
    template = TemplateClient(args["template"])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(args["address"])
    conn = Connection(sock.detach())
    conn.send(("hello", args["worker"], os.getpid()))

    def start_kernel():
        km = forked_kernel_manager(template, args["cwd"], KERNEL_ENV)
        _ACTIVE.add(km)
        return km

    next_km = start_kernel()  # started before any notebook is assigned
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        km, next_km = next_km, None

        def after_execute():
            nonlocal next_km
            next_km = start_kernel()  # the next run's kernel starts while this one's PDF renders

        task["_after_execute"] = after_execute
        result = run_task(task, km)
        if next_km is None:
            next_km = start_kernel()
        try:
            conn.send(("result", task["id"], result))
        except (BrokenPipeError, OSError):
            break
    if next_km is not None:
        stop_kernel(next_km)


# --- Dask ------------------------------------------------------------------------------------------

_TEMPLATE = None
_TEMPLATE_LOCK = threading.Lock()


def _dask_template():
    """This Dask worker process's kernel template, started on first use (and again if it died)."""
    global _TEMPLATE
    with _TEMPLATE_LOCK:
        if _TEMPLATE is None or not _TEMPLATE.alive():
            if _TEMPLATE is not None:
                _TEMPLATE.close()
            _TEMPLATE = Template()
            _TEMPLATE.wait_ready()
            atexit.register(_TEMPLATE.close)
        return _TEMPLATE


def dask_task(task: dict) -> dict:
    """Run a task inside a Dask worker: a kernel forked from the worker's template, files returned."""
    km = forked_kernel_manager(_dask_template(), task["cwd"], KERNEL_ENV)
    _ACTIVE.add(km)
    return run_task(task, km)
