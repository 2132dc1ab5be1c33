"""The terminal table a student reads after `grade assignment2`."""
import shutil
import textwrap

from autograder.report import PASSED, Report

MARKS = {"passed": "✓", "failed": "✗", "error": "!"}
PLAIN_MARKS = {"passed": "ok", "failed": "XX", "error": "!!"}


def render(report: Report, width: int | None = None, unicode: bool = True) -> str:
    """Lay the report out as a table: mark, test, points; each lost point's sentence under its test."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
    marks = MARKS if unicode else PLAIN_MARKS
    name_width = max([len(r.name) for r in report.results] + [20])
    name_width = min(name_width, width - 14)
    lines = [f"{report.assignment}: {report.title}", f"Graded {report.submission} in {report.duration:.1f} s", ""]
    for result in report.results:
        points = f"{_number(result.score)}/{_number(result.max_score)}"
        name = textwrap.shorten(result.name, name_width, placeholder="...")
        lines.append(f" {marks[result.status]} {name:<{name_width}} {points:>8}")
        if result.status != PASSED:
            lines += textwrap.wrap(result.feedback, width - 6, initial_indent="     ", subsequent_indent="     ")
    lines += ["", f"Total: {_number(report.score)}/{_number(report.max_score)}"]
    tests, points = report.hidden_not_run
    if tests:
        lines.append(f"{tests} hidden tests ({_number(points)} points) are not shown here; "
                     f"your instructor runs them when grading.")
    lines += [""] + [textwrap.fill(note, width, subsequent_indent="  ") for note in report.notes]
    if report.layers:
        lines.append(textwrap.fill("Your code ran in a sandbox: " + "; ".join(report.layers) + ".", width,
                                   subsequent_indent="  "))
    return "\n".join(lines).rstrip() + "\n"


def _number(value: float) -> str:
    return f"{value:g}"
