"""The time budget of one extraction: checked between sentences and inside the work on one sentence.

:func:`start` sets the deadline (a ``time.monotonic()`` value, or None) for the extraction that follows;
:func:`at` records where the sentence being read starts; :func:`check`, called from the loops that read a
sentence (its phrases, its list of names), stops the work with ``ExtractionBudgetExceeded`` once the deadline
has passed, so that one very long sentence cannot run past the budget.
"""

from __future__ import annotations

import contextvars
import time

from ...errors import InputError


class ExtractionBudgetExceeded(InputError):
    """Extraction of one text ran past its time budget (``settings.EXTRACT_SECONDS``)."""


_DEADLINE: contextvars.ContextVar[tuple[float | None, int]] = contextvars.ContextVar(
    "extract_deadline", default=(None, 0)
)
_SENTENCE: contextvars.ContextVar[int] = contextvars.ContextVar("extract_sentence", default=0)


def start(deadline: float | None, length: int) -> None:
    """The deadline of the extraction of a text of ``length`` characters (None: no deadline)."""
    _DEADLINE.set((deadline, length))
    _SENTENCE.set(0)


def stop() -> None:
    """No deadline any more (the extraction is over)."""
    start(None, 0)


def at(position: int) -> None:
    """The sentence being read starts at character ``position`` of the text; raise when the time is up."""
    _SENTENCE.set(position)
    check()


def check() -> None:
    """Raise ``ExtractionBudgetExceeded`` when the deadline has passed (and forget the deadline: the extraction
    it was set for stops here)."""
    deadline, length = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        position = _SENTENCE.get()
        stop()
        raise ExtractionBudgetExceeded(f"stopped at character {position:,} of {length:,}")
