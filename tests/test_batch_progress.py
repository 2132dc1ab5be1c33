"""The batch's progress: a live bar on a terminal, plain lines elsewhere, both with count, rate and ETA."""
import io
import re

from autograder.batch.engine import Outcome
from autograder.batch.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start(3)
    progress(Outcome("ada", 57, 57, skipped=False))
    progress(Outcome("bob", 0, 57, skipped=True))
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"1/3 ada: 57/57 \(\d+\.\d/s, ETA \d+:\d\d\)", lines[0])
    assert re.fullmatch(r"2/3 bob: already graded \(\d+\.\d/s, ETA \d+:\d\d\)", lines[1])
    assert progress.finish().startswith("Graded 1 submission in ")
    assert progress.finish().endswith("; 1 already graded were kept.")


def test_a_live_bar_on_a_terminal():
    stream = Terminal()
    progress = Progress(stream)
    progress.start(4)
    progress(Outcome("ada", 1, 2, skipped=False))
    progress(Outcome("bob", 2, 2, skipped=False))
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2 and "\n" not in stream.getvalue()
    assert re.match(r"\[#{14}\.{14}\] 2/4  \d+\.\d/s  ETA \d+:\d\d", frames[1])
    progress.finish()
    assert stream.getvalue().endswith("\n")
