"""Progress of a batch: a live bar on a terminal, one plain line per student otherwise (logs, CI)."""
import sys
import time

from autograder.feedback import counted
from autograder.report.safe import inert

BAR_WIDTH = 28


class Progress:
    """Count finished students and show count, rate and time left."""

    def __init__(self, stream=None):
        self.total, self.done, self.skipped = 0, 0, 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()

    def start(self, total: int) -> None:
        """Begin counting `total` students (once they are known)."""
        self.total, self.started = total, time.monotonic()

    def __call__(self, outcome) -> None:
        self.done += 1
        self.skipped += outcome.skipped
        rate, eta = self._rate_and_eta()
        if self.live:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total}  "
                              f"{rate:.1f}/s  ETA {_clock(eta)} ")
        else:
            state = "already graded" if outcome.skipped else f"{outcome.score:g}/{outcome.max_score:g}"
            self.stream.write(f"{self.done}/{self.total} {inert(outcome.student)}: {state} ({rate:.1f}/s, "
                              f"ETA {_clock(eta)})\n")
        self.stream.flush()

    def finish(self) -> str:
        """End the bar and say what was done, in how long."""
        if self.live:
            self.stream.write("\n")
        seconds = time.monotonic() - self.started
        graded = self.done - self.skipped
        return (f"Graded {counted(graded, 'submission')} in {seconds:.1f} s ({graded / seconds if seconds else 0:.1f}/s)"
                + (f"; {self.skipped} already graded were kept." if self.skipped else "."))

    def _rate_and_eta(self) -> tuple[float, float]:
        graded = self.done - self.skipped
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = graded / elapsed
        return rate, (self.total - self.done) / rate if rate else 0.0


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"
