"""Fresh kernels without the start-up cost: a warm *template* process that forks them.

Starting a Jupyter kernel the usual way costs about 2 s of CPU (a new Python, then pandas, matplotlib,
seaborn, statsmodels and jzanalysis imported in it), most of each run of the monthly set. The template
is one Python process that imports all of that once, runs nothing else, and forks on request:

- ``kernel``: the child becomes an ordinary ipykernel (``IPKernelApp``) with the connection file,
  environment and working directory jupyter_client asked for. It is a fresh kernel: a new process
  whose user namespace is empty and whose modules are exactly as imported, never used by a notebook
  (every kernel is forked from the same untouched template, never from a kernel that ran something).
- ``call``: the child runs a function named by ``module:function`` (a batch worker,
  :func:`jzanalysis.batch.worker.serve`), which finds papermill, nbconvert and WeasyPrint imported too.

Processes: each forked child asks the kernel to kill it when its parent (the template) dies, and the
template asks the same of its own parent, so killing a batch with ``kill -9`` ends the template, the
workers and every kernel at once (Linux ``PR_SET_PDEATHSIG``). The template must stay single-threaded
to fork safely: it imports modules but starts no thread, no event loop and no ZeroMQ context.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path

# jupyter_client and ipykernel are imported inside the functions that use them: they cost a second, and the
# template imports them itself, after its environment is set (this module is also imported by every batch).

# Kernel-side modules a report notebook imports; client-side ones a worker uses.
KERNEL_PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.special",
    "statsmodels.api",
    "seaborn",
    "matplotlib.pyplot",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.display",
    "jzanalysis.pipeline",
    "jzanalysis.report",
    "jzanalysis.sources",
    "jzanalysis.plots",
    "jzanalysis.forecast",
    "jzanalysis.compare",
    "jzanalysis.analysis_cache",
    "jzanalysis.regions",
)
CLIENT_PRELOAD = (
    "papermill",
    "papermill.clientwrap",
    "nbclient",
    "nbconvert",
    "nbconvert.exporters.html",
    "weasyprint",
    "jupyter_client.manager",
    "jzanalysis.runner",
)

# What a kernel would set for itself (ipykernel: the inline backend), set in the template before
# matplotlib is imported so the forked kernel has the backend a freshly started one would have.
TEMPLATE_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    # one thread per process: two workers share two cores, and a BLAS thread pool does not survive fork
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

# The kernel of every run: always this process's own Python (kernels.own_kernel_spec_manager), so an
# installed package needs no kernel spec; a user-level "python3" spec could point at another Python that
# has no jzanalysis. The same name is the notebooks' kernel in JupyterLab (make setup installs its spec).
KERNEL_NAME = "jzanalysis"

# Under load ipykernel sometimes logs "KeyboardInterrupt caught in kernel" while jupyter_client shuts it
# down after the last cell; the run has succeeded by then. What matters of the kernel (a cell's error,
# a dead kernel) reaches us through the notebook and papermill, not through the kernel's own log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]

PR_SET_PDEATHSIG = 1
TEMP_PREFIX = "jzk-"  # kernel sockets, connection files and template sockets live in /tmp/jzk-<pid>-*


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit now if the parent is gone already."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the process group and SIGTERM handlers still apply
        return
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)


def private_temp_dir(kind: str = "") -> str:
    """A new folder ``/tmp/jzk-<pid>-<kind>…`` (short: Unix socket paths are limited to ~100 bytes)."""
    base = "/tmp" if os.path.isdir("/tmp") else None
    return tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-{kind}", dir=base)


def remove_stale_temp_dirs() -> list[str]:
    """Remove ``/tmp/jzk-<pid>-*`` folders whose process is gone (left by a killed run); returns them."""
    removed = []
    base = Path("/tmp")
    if not base.is_dir():
        return removed
    for path in base.glob(f"{TEMP_PREFIX}*"):
        match = re.fullmatch(rf"{TEMP_PREFIX}(\d+)-[a-z][a-z0-9_]*", path.name)  # ours: jzk-<pid>-<kind><random>
        if not match:
            continue
        pid = int(match.group(1))
        if not alive(pid) and path.is_dir() and path.stat().st_uid == os.getuid():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (dead, not yet reaped) counts as gone
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


# --- the template process -------------------------------------------------------------------------


def _send(sock: socket.socket, obj) -> None:
    sock.sendall(json.dumps(obj).encode() + b"\n")


def _receive(sock: socket.socket):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("template closed the connection")
        data += chunk
    return json.loads(data)


def _template_main(socket_path: str, parent: str, extra: str = "") -> None:
    die_with_parent(int(parent))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle, not ours
    children: set[int] = set()

    def reap(*_) -> None:  # collect finished children (their CPU time then counts as the template's)
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    def stop(*_) -> None:  # SIGTERM from the batch: end every child, collect them, leave
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for pid in list(children):
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:  # still running, and still ours (never a reused pid)
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
            except (ChildProcessError, ProcessLookupError):
                pass
        os._exit(0)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGTERM, stop)
    os.environ.update(TEMPLATE_ENV)
    for name in (*KERNEL_PRELOAD, *CLIENT_PRELOAD, *filter(None, extra.split(","))):
        importlib.import_module(name)
    import matplotlib  # after TEMPLATE_ENV is set (its backend) and with the preloads: never at the top

    matplotlib.get_backend()  # resolve the backend now, as the kernel's first plot would
    if threading.active_count() != 1:  # forking a threaded process is unsafe: say so, do not limp on
        raise SystemExit(f"kernel template has {threading.active_count()} threads after imports; cannot fork")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(16)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    me = os.getpid()
    while True:
        conn, _ = server.accept()
        try:
            request = _receive(conn)
        except (EOFError, ValueError):
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:  # the child: a kernel or a worker
            try:
                server.close()
                conn.close()
                die_with_parent(me)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                if request["kind"] == "kernel":
                    _become_kernel(request)
                else:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    module, function = request["target"].split(":")
                    getattr(importlib.import_module(module), function)(request["args"])
            except BaseException:  # a child must never return into the template's loop
                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        children.add(pid)
        _send(conn, {"pid": pid})
        conn.close()
        reap()


def _become_kernel(request: dict) -> None:
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(TEMPLATE_ENV)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # ipykernel interrupts cells with SIGINT
    argv = list(request["argv"])
    # the kernel spec's argv is [python, -m, ipykernel_launcher, -f, FILE, ...]: keep what follows the module
    if "-m" in argv:
        argv = argv[argv.index("-m") + 2 :]
    else:
        argv = argv[1:]
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


class TemplateClient:
    """Asks a running template (by its socket) for a fork; usable from any process, e.g. a worker."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path

    def wait_ready(self, timeout: float = 120) -> None:
        pass

    def fork(self, kind: str, **request) -> int:
        """Fork a ``kernel`` (argv, env, cwd) or a ``call`` (target, args); returns the child's pid."""
        self.wait_ready()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(self.socket_path)
            _send(sock, {"kind": kind, **request})
            return int(_receive(sock)["pid"])


class Template(TemplateClient):
    """A running template process and its socket; :meth:`fork` asks it for a kernel or a worker."""

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self.dir = private_temp_dir("t")
        self.socket_path = os.path.join(self.dir, "template.sock")
        env = {**os.environ, **TEMPLATE_ENV}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from jzanalysis.kernels import _template_main; _template_main(*sys.argv[1:])",
                self.socket_path,
                str(os.getpid()),
                ",".join(preload),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._ready = False

    def wait_ready(self, timeout: float = 120) -> None:
        if self._ready:
            return
        while True:  # anything a library prints while being imported comes first
            line = self.process.stdout.readline() if self.process.stdout else b""
            if line.strip() == b"ready":
                break
            if not line:
                self.process.wait(timeout=5)
                raise RuntimeError(f"the kernel template did not start (exit status {self.process.returncode})")
        self._ready = True

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the template and every process forked from it (workers, kernels), then remove its folder.

        SIGTERM first: the template kills and collects its children, so their CPU time is accounted to
        it and to us; SIGKILL if it does not end at once (its children then die with it anyway)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- jupyter_client glue ----------------------------------------------------------------------------


class _ForkedProcess:
    """The little of :class:`subprocess.Popen` that jupyter_client's provisioner uses, for a forked kernel.

    The kernel is the template's child, not ours: it is reaped by the template, and "gone" is what
    :func:`alive` sees.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None and not alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def own_kernel_spec_manager():
    """A jupyter_client ``KernelSpecManager`` in which the kernel ``jzanalysis`` is this very Python
    (``sys.executable -m ipykernel_launcher``), whatever kernel specs are installed.

    A report's kernel must import the jzanalysis that runs the report: a package installed from a wheel
    has no kernel spec of that name (only ``make setup`` installs one, for JupyterLab), and one found in
    the user's Jupyter folders could name another Python. Other names are looked up as usual.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class OwnKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name != KERNEL_NAME:
                return super().get_kernel_spec(kernel_name)
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python (jzanalysis)",
                language="python",
            )

    return OwnKernelSpecManager()


def _on_private_sockets(manager_class, socket_dir: str):
    """A kernel manager of ``manager_class`` for the kernel ``jzanalysis`` talking over Unix sockets in
    ``socket_dir`` (private to this run: no TCP port to race for, nothing another user can connect to)."""
    km = manager_class(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=own_kernel_spec_manager(),
        transport="ipc",
        ip=os.path.join(socket_dir, "kernel"),
        connection_file=os.path.join(socket_dir, "kernel.json"),
    )
    km.socket_dir = socket_dir
    return km


def forked_kernel_manager(template: TemplateClient, cwd: str, env: dict[str, str] | None = None):
    """A started jupyter_client ``KernelManager`` whose kernel the template forked.

    The kernel listens on Unix sockets in a private ``/tmp/jzk-…`` folder (its connection file too), so
    kernels of parallel workers never share a port or a socket. ``env`` is added to the kernel's
    environment; ``{socket_dir}`` in a value is that private folder (where a worker puts the run's
    analysis artifacts once it knows the run: the kernel is started before that).
    """
    from jupyter_client.manager import KernelManager
    from jupyter_client.provisioning import LocalProvisioner

    socket_dir = private_temp_dir("k")
    env = {key: value.replace("{socket_dir}", socket_dir) for key, value in (env or {}).items()}

    class ForkedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            kernel_env = dict(kwargs.get("env") or os.environ)
            kernel_env.update(env)
            pid = template.fork("kernel", argv=list(cmd), env=kernel_env, cwd=str(cwd))
            self.process = _ForkedProcess(pid)
            self.pid, self.pgid, self.cwd = pid, None, cwd
            return self.connection_info

        async def wait(self):
            if self.process:
                while await self.poll() is None:
                    await asyncio.sleep(0.02)
                self.process = None
            return 0

        async def cleanup(self, restart: bool = False) -> None:
            await super().cleanup(restart)
            if not restart:
                shutil.rmtree(socket_dir, ignore_errors=True)

    class ForkedKernelManager(KernelManager):
        async def _async_pre_start_kernel(self, **kw):
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            if self.provisioner is None:
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

    km = _on_private_sockets(ForkedKernelManager, socket_dir)
    km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(cwd))
    return km


def stop_kernel(km) -> None:
    """Kill a kernel at once (its run is over: nothing to save) and remove its sockets."""
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:  # a kernel already gone is fine
        pass
    finally:
        with contextlib.suppress(Exception):
            km.cleanup_resources()
        shutil.rmtree(getattr(km, "socket_dir", ""), ignore_errors=True)


def spawned_kernel_manager(cwd: str, env: dict[str, str] | None = None):
    """A started ``KernelManager`` whose kernel is a new process of its own (no template: one report).

    Same private Unix sockets as :func:`forked_kernel_manager`; the kernel dies with this process.
    """
    from jupyter_client.manager import KernelManager

    socket_dir = private_temp_dir("k")
    km = _on_private_sockets(KernelManager, socket_dir)
    parent = os.getpid()
    kernel_env = {**os.environ, **{k: v.replace("{socket_dir}", socket_dir) for k, v in (env or {}).items()}}
    try:
        km.start_kernel(
            extra_arguments=KERNEL_ARGUMENTS, cwd=str(cwd), env=kernel_env, preexec_fn=lambda: die_with_parent(parent)
        )
    except BaseException:
        shutil.rmtree(socket_dir, ignore_errors=True)
        raise
    return km
