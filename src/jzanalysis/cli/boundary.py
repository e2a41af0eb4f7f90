"""The error boundary's parts: exit statuses, SIGTERM raised as an exception, a failure said in one line,
standard descriptors held when the process starts without them, an empty output folder removed again."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import sys
import traceback
from pathlib import Path

from ..errors import InputError

#: Exit statuses (documented in the README, "Errors and exit statuses").
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class Terminated(BaseException):
    """SIGTERM, raised in the main process like Ctrl-C's KeyboardInterrupt so that every ``finally`` and
    context manager on the way out runs (temporary folders, kernels, worker pools)."""


_main_pid = os.getpid()  # set again by mark_main_process(): the process whose SIGTERM unwinds


def mark_main_process() -> None:
    """This process is the one whose SIGTERM unwinds; a worker forked from it ends as SIGTERM ends a process."""
    global _main_pid
    _main_pid = os.getpid()


def on_sigterm(signum, frame):
    if os.getpid() != _main_pid:
        # a forked worker inherits this handler: it ends as SIGTERM ends a process, without unwinding
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated()


def one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", str(text).strip())


def os_error_line(exc: OSError) -> str:
    """An environment failure in one line: what happened, to which file, and what to do."""
    reason = exc.strerror or type(exc).__name__
    where = "" if exc.filename is None else f": {os.fsdecode(exc.filename)}"
    if exc.filename2 is not None:
        where += f" → {os.fsdecode(exc.filename2)}"
    hint = {
        errno.ENOSPC: "free some space and run again",
        errno.EROFS: "write somewhere writable (e.g. --out)",
        errno.EACCES: "check the permissions",
        errno.EPERM: "check the permissions",
        errno.EDQUOT: "free some space and run again",
    }.get(exc.errno, "")
    return f"{reason}{where}" + (f"; {hint}" if hint else "")


def encoding_line(exc: UnicodeEncodeError) -> str:
    """Text that could not be encoded: a file name that is not UTF-8 (a lone surrogate), or Chinese on an
    output whose encoding cannot show it."""
    text = exc.object if isinstance(exc.object, str) else ""
    culprit = text[exc.start : exc.end]
    if any("\udc80" <= ch <= "\udcff" for ch in culprit):
        from ..sources.read import printable  # pandas: loaded only for this rare error

        context = printable(text[max(0, exc.start - 40) : exc.end + 40])
        return f"a file name that is not valid UTF-8 cannot be written ({context!r}); rename the file"
    encoding = getattr(sys.stdout, "encoding", None) or "?"
    return f"cannot write {culprit!r} in the output's encoding ({encoding}); set PYTHONIOENCODING=utf-8"


def failure(exc: BaseException) -> tuple[str, int]:
    """The line and exit status of what stopped a command (anything but a broken pipe)."""
    if isinstance(exc, InputError):
        return f"error: {one_line(exc)}", exc.exit_status
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    if isinstance(exc, Terminated):
        return "terminated", EXIT_TERMINATED
    if isinstance(exc, OSError):
        return f"error: {one_line(os_error_line(exc))}", EXIT_FAILED
    if isinstance(exc, UnicodeEncodeError):
        return f"error: {encoding_line(exc)}", EXIT_FAILED
    if type(exc).__name__ == "NotebookFailed":  # a notebook cell failed: its own one-line summary
        return f"error: {one_line(exc)} (run again with --debug for the details)", EXIT_FAILED
    # the last line of the boundary: a bug, said as one
    return (
        f"internal error (a bug, please report it): {type(exc).__name__}: {one_line(exc)[:300]}; "
        "run again with --debug for the traceback"
    ), EXIT_FAILED


def say(args, prog: str, line: str, status: int) -> int:
    """Say what went wrong: one line, or with --debug the traceback (the exit status is the same)."""
    try:
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"{prog}: {line}", file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone: the exit status still says it
        pass
    return status


def hold_closed_descriptors() -> None:
    """Started with stdin, stdout or stderr closed (``>&-``): put /dev/null on that descriptor, so that no file,
    socket or kernel pipe opened later takes its number (a kernel writing to "stdout" would write into it).
    ``sys.stdout`` stays None: what a command prints says it could not be printed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)  # inheritable, as a standard descriptor must be
                    os.close(null)
                else:  # the lowest free number was that very one: make it inheritable too
                    os.set_inheritable(fd, True)


def remove_if_empty(folder: Path, created: Path | None = None) -> None:
    """A folder this run created for its output and left empty (the run failed) is removed again, and the
    folders it created around it (up to ``created``)."""
    with contextlib.suppress(OSError):  # not empty, or gone: leave it
        while True:
            folder.rmdir()
            if created is None or folder == created or created not in folder.parents:
                break
            folder = folder.parent
