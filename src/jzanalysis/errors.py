"""Errors a user can fix.

Anything raised as :class:`InputError` is shown as one line on stderr and the command exits with
status 2; everything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Bad input from the user: a missing file, a month outside 1..11, a plan <= 0, ...

    The message must say what is wrong and what is allowed, in one line.
    """

    exit_status = 2


class RawFileChanged(InputError):
    """A file under data/raw/ no longer matches the sha256 recorded in the manifest."""
