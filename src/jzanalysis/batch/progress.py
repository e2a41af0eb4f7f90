"""One progress bar for a whole batch (tqdm on stderr): done / running / failed / cached, elapsed, ETA.

On a terminal the bar redraws in place; elsewhere (a log, CI) it prints nothing but the failure lines
and the closing summary, so logs stay readable. A failure is always one line naming the notebook, the
run, the cell and the error.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, total: int, cached: int = 0, stream=None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.counts = {"done": 0, "running": 0, "failed": 0, "cached": cached}
        self.started = time.monotonic()
        # initial=cached: the ETA is computed from the runs actually executed, not the instant cache hits
        self.bar = tqdm(
            total=total,
            initial=cached,
            file=self.stream,
            disable=not self.enabled,
            unit="run",
            dynamic_ncols=True,
            desc="batch",
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}",
        )
        self._postfix()

    def _postfix(self) -> None:
        c = self.counts
        self.bar.set_postfix_str(
            f"done {c['done']}, running {c['running']}, failed {c['failed']}, cached {c['cached']}"
        )

    def start(self) -> None:
        self.counts["running"] += 1
        self._postfix()

    def finish(self, ok: bool, line: str | None = None) -> None:
        self.counts["running"] = max(0, self.counts["running"] - 1)
        self.counts["done" if ok else "failed"] += 1
        if line:
            self.write(line)
        self.bar.update(1)
        self._postfix()

    def write(self, line: str) -> None:
        if self.enabled:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        self.bar.close()

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['done'] + c['cached'] + c['failed']} runs in {time.monotonic() - self.started:.1f} s: "
            f"{c['done']} done, {c['cached']} cached, {c['failed']} failed"
        )
