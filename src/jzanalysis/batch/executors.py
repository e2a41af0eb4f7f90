"""Executors: where a batch's tasks run, behind one small interface.

``executor.run(tasks, on_start, on_result)`` runs every task (see :mod:`jzanalysis.batch.worker`) and
calls ``on_start(task)`` and ``on_result(task, result)`` in the calling thread as things happen, so the
batch publishes each run as soon as it is done (an interrupted batch keeps what was finished).

- ``local`` (default): one kernel template and N worker processes forked from it on this machine.
- ``dask``: a Dask distributed cluster (``--scheduler ADDRESS``; ``pip install jzanalysis[dask]``).
- ``inline``: this process, one run after another, each on a newly started kernel (``report``).

Processes (local): the template dies with the batch (SIGKILL from the kernel if the batch is killed),
workers and kernels die with the template. On Ctrl-C or SIGTERM the batch kills the template, so
every worker and kernel goes with it, and removes their temporary folders.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable

from ..errors import InputError


class Executor:
    name = "executor"

    def prepare(self) -> None:
        """Start what takes a while (the kernel template) while the batch plans and analyses."""

    def run(self, tasks: list[dict], on_start: Callable, on_result: Callable) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop whatever :meth:`prepare` started and :meth:`run` did not use."""


class InlineExecutor(Executor):
    """Runs tasks in this process on newly started kernels (no template: worth it for one run)."""

    name = "inline"

    def run(self, tasks, on_start, on_result):
        from ..kernels import spawned_kernel_manager
        from .worker import KERNEL_ENV, run_task

        for task in tasks:
            on_start(task)
            km = spawned_kernel_manager(task["cwd"], KERNEL_ENV)
            on_result(task, run_task(task, km))


class LocalExecutor(Executor):
    """A kernel template and ``workers`` processes forked from it, fed one task at a time."""

    name = "local"

    def __init__(self, workers: int = 2) -> None:
        if workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        self._template = None

    def prepare(self) -> None:
        from ..kernels import Template

        if self._template is None:
            self._template = Template(preload=("jzanalysis.batch.worker",))

    def close(self) -> None:
        if self._template is not None:
            self._template.close()
            self._template = None

    def run(self, tasks, on_start, on_result):
        from multiprocessing.connection import Connection, wait

        from .. import settings
        from ..kernels import remove_stale_temp_dirs

        pending = list(tasks)
        if not pending:
            return
        self.prepare()
        template, self._template = self._template, None
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address = os.path.join(template.dir, "batch.sock")
        server.bind(address)
        server.listen(self.workers)
        server.settimeout(0.5)
        conns: dict = {}  # Connection → task in flight (or None)
        try:
            template.wait_ready()
            wanted = min(self.workers, len(pending))

            def fork_worker(number: int) -> None:
                template.fork(
                    "call",
                    target="jzanalysis.batch.worker:serve",
                    args={
                        "address": address,
                        "template": template.socket_path,
                        "worker": number,
                        "cwd": str(settings.NOTEBOOKS_DIR),
                    },
                )

            for number in range(wanted):
                fork_worker(number)
            started = 0
            deadline = time.monotonic() + 120
            while len(conns) < wanted:
                try:
                    sock, _ = server.accept()
                except TimeoutError:
                    if not template.alive() or time.monotonic() > deadline:
                        raise RuntimeError("batch workers did not start") from None
                    continue
                conn = Connection(sock.detach())
                conn.recv()  # hello
                conns[conn] = None
                started += 1
            outstanding = len(pending)
            while outstanding:
                for conn, task in list(conns.items()):
                    if task is None and pending:
                        task = pending.pop(0)
                        conns[conn] = task
                        on_start(task)
                        conn.send(task)
                ready = wait(list(conns), timeout=0.5)
                for conn in ready:
                    task = conns[conn]
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):
                        # the worker died (killed, out of memory): its run failed, the others go on
                        del conns[conn]
                        if task is not None:
                            outstanding -= 1
                            on_result(
                                task,
                                {
                                    "ok": False,
                                    "seconds": 0.0,
                                    "error": {
                                        "notebook": task["notebook"],
                                        "cell": None,
                                        "ename": "WorkerDied",
                                        "evalue": "the worker process ended during the run",
                                        "input_error": False,
                                    },
                                },
                            )
                        if pending and template.alive():
                            fork_worker(started)
                            started += 1
                            sock, _ = _accept(server, template)
                            new = Connection(sock.detach())
                            new.recv()
                            conns[new] = None
                        continue
                    conns[conn] = None
                    outstanding -= 1
                    on_result(task, message[2])
                if not conns:
                    raise RuntimeError("every batch worker died")
            for conn in conns:
                with contextlib.suppress(OSError):
                    conn.send(None)
            _wait_closed(list(conns))  # let the workers stop their spare kernels and leave on their own
        finally:
            for conn in conns:
                conn.close()
            server.close()
            template.close()  # kills the template; workers and kernels die with it
            _wait_gone(template)
            remove_stale_temp_dirs()


def _wait_closed(conns: list, timeout: float = 5.0) -> None:
    from multiprocessing.connection import wait

    deadline = time.monotonic() + timeout
    while conns and time.monotonic() < deadline:
        for conn in wait(conns, timeout=0.2):
            try:
                conn.recv()
            except (EOFError, OSError):
                conns.remove(conn)


def _accept(server, template, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return server.accept()
        except TimeoutError:
            if not template.alive() or time.monotonic() > deadline:
                raise RuntimeError("a batch worker did not start") from None


def _wait_gone(template, timeout: float = 5.0) -> None:
    """Wait until the template's children (workers, kernels) are gone, so their folders can go too."""
    from ..kernels import _alive

    pid = template.process.pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = []
        for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as handle:
                        fields = handle.read().rsplit(b")", 1)[1].split()
                    if int(fields[1]) == pid and _alive(int(entry)):
                        children.append(entry)
                except (OSError, IndexError, ValueError):
                    continue
        if not children:
            return
        time.sleep(0.05)


class ClusterLost(OSError):
    """The Dask scheduler went away during the batch (a failed run of the batch, status 1; what was
    published stays, the same command finishes the rest)."""


def check_scheduler_address(address: str) -> str:
    """``tcp://HOST:PORT`` (or another scheme Dask knows, or ``HOST:PORT``); anything else one InputError line."""
    try:
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import get_backend
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'jzanalysis[dask]'") from None
    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"--scheduler {address!r} is not a Dask scheduler address ({str(exc).split(' (')[0]}); "
            "allowed: tcp://HOST:PORT, tls://HOST:PORT, ws://… or HOST:PORT"
        ) from None
    if not location:
        raise InputError(f"--scheduler {address!r} names no host; allowed: tcp://HOST:PORT")
    return address


@contextlib.contextmanager
def _quiet_distributed(debug: bool):
    """Dask logs a lost connection as tracebacks on stderr: the batch says it in one line instead (all of
    it with ``--debug``)."""
    import logging

    if debug:
        yield
        return
    # distributed's own configuration sets levels on its child loggers: silence logging as a whole (this
    # process logs nothing else of use while the batch runs) and restore it after
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


class DaskExecutor(Executor):
    """Tasks on a Dask distributed cluster: each Dask worker process forks kernels from its own template
    and returns the files; this process publishes them."""

    name = "dask"

    def __init__(self, address, *, debug: bool = False) -> None:
        self.address = check_scheduler_address(address) if isinstance(address, str) else address
        self.debug = debug

    def run(self, tasks, on_start, on_result):
        with _quiet_distributed(self.debug):
            self._run(tasks, on_start, on_result)

    def _run(self, tasks, on_start, on_result):
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'jzanalysis[dask]'") from None
        from .worker import dask_task

        client = self.address if hasattr(self.address, "submit") else None
        owns = client is None
        if owns:
            try:
                client = Client(self.address, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        futures = {}
        try:
            for task in tasks:
                future = client.submit(dask_task, task, key=f"jzanalysis-{task['name']}-{task['key'][:12]}", pure=False)
                futures[future] = task
                on_start(task)
            for future in as_completed(futures):
                task = futures.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a task lost on the cluster fails this run only
                    if "scheduler-connection-lost" in str(exc) or client.status not in ("running", "connecting"):
                        raise ClusterLost(
                            None, f"lost the Dask scheduler at {self.address}; run the same command again to finish"
                        ) from None
                    result = {
                        "ok": False,
                        "seconds": 0.0,
                        "error": {
                            "notebook": task["notebook"],
                            "cell": None,
                            "ename": type(exc).__name__,
                            "evalue": str(exc).splitlines()[0] if str(exc) else "",
                            "input_error": False,
                        },
                    }
                on_result(task, result)
        finally:
            for future in futures:
                future.cancel()
            if owns:
                client.close()


EXECUTORS: dict[str, type[Executor]] = {"inline": InlineExecutor, "local": LocalExecutor, "dask": DaskExecutor}
