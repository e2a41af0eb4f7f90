"""What the commands print: JSON, the paths of published files, the line of an interrupted run; and stdout
kept sane when it is full, closed or gone."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from pathlib import Path

from .boundary import EXIT_FAILED


def print_json(obj) -> None:
    from ..jsonable import jsonable  # numpy: loaded only by a command that prints JSON

    json.dump(jsonable(obj), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def flush_stdout() -> None:
    """Flush now, inside the error boundary: a full disk or a closed pipe on stdout surfaces here, not as an
    'Exception ignored' message when Python exits. No stdout at all (started with it closed): nothing to do."""
    if sys.stdout is not None:
        sys.stdout.flush()


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that Python's last flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced in-process (tests): nothing to redirect
        pass


def print_published(lines: list[str], where: Path, command: str) -> int:
    """Print the paths of what was published; 0, or 1 when stdout is closed or cannot be written (a full
    disk), said as what it is: the files are published, only their paths could not be printed."""
    try:
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise OSError(errno.EBADF, "stdout is closed")
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader left: status 0, as for every command
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "stdout is closed"
        silence_stdout()
        print(
            f"jzanalysis {command}: error: published in {where}, but the paths could not be written to stdout "
            f"({reason})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0


def interrupted_line(result) -> str:
    """How far an interrupted set of runs got, and what finishes it."""
    left = len(result.jobs) - len(result.done) - len(result.cached) - len(result.failed)
    word = "terminated" if result.interrupted == signal.SIGTERM else "interrupted"  # as the README promises
    return (
        f"{word}: {len(result.done) + len(result.cached)} of {len(result.jobs)} runs published, {left} left; "
        "run the same command again to finish them"
    )
