"""Errors a user can fix.

Anything raised as :class:`InputError` is shown by the command line as one line on stderr, and the
command exits with status 2. The CLI's error boundary (:func:`jzanalysis.cli.main`) turns the rest into
one line too: a file-system failure during a run (a full disk, a read-only folder) or a bug is status 1,
Ctrl-C 130, SIGTERM 143; ``--debug`` shows the traceback. A message says what is wrong and what is
allowed (for a number: its range, see :mod:`jzanalysis.bounds`).
"""


class InputError(ValueError):
    """Bad input from the user: a missing file, a month outside 1..11, a plan outside 0.01..1,000,000, ...

    The message must say what is wrong and what is allowed, in one line.
    """

    exit_status = 2


class RawFileChanged(InputError):
    """A file under data/raw/ no longer matches the sha256 recorded in the manifest."""
