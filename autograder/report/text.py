"""The terminal table a student reads after `grade assignment2`, and the text an LMS shows at once."""
import shutil
import textwrap

from autograder.feedback import counted
from autograder.report import ERROR, FAILED, PASSED, Report
from autograder.report.safe import inert, shown

MARKS = {PASSED: "✓", FAILED: "✗", ERROR: "!"}
PLAIN_MARKS = {PASSED: "ok", FAILED: "XX", ERROR: "!!"}
HIDDEN_NOT_RUN = "Not shown here: {tests} ({points}), which your instructor runs when grading."
HIDDEN_UNTIL_PUBLISHED = ("Also graded: {tests} ({points}), whose results show once your instructor publishes the "
                          "grades.")


def render(report: Report, width: int | None = None, unicode: bool = True, public_only: bool = False) -> str:
    """Lay the report out as a table: mark, test, points; each lost point's sentence under its test.

    With `public_only`, the hidden tests are only counted: what a student may see before grades are published.
    """
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
    marks = MARKS if unicode else PLAIN_MARKS
    report = shown(report)
    results = [result for result in report.results if not (public_only and result.hidden)]
    name_width = min(max([len(r.name) for r in results] + [20]), width - 14)
    lines = [inert(f"{report.assignment}: {report.title}"),
             f"Graded {inert(report.submission)} in {report.duration:.1f} s", ""]
    for result in results:
        points = f"{_number(result.score)}/{_number(result.max_score)}"
        name = textwrap.shorten(inert(result.name), name_width, placeholder="...")
        lines.append(f" {marks[result.status]} {name:<{name_width}} {points:>8}")
        if result.status != PASSED:
            lines += textwrap.wrap(inert(result.feedback), width - 6, initial_indent="     ",
                                   subsequent_indent="     ")
    lines += ["", _total(results, public_only)]
    lines += _hidden_line(report, public_only)
    lines += [""] + [textwrap.fill(inert(note), width, subsequent_indent="  ") for note in report.notes]
    if report.layers:
        lines.append(textwrap.fill(inert("Your code ran in a sandbox: " + "; ".join(report.layers) + "."), width,
                                   subsequent_indent="  "))
    return "\n".join(lines).rstrip() + "\n"


def _total(results, public_only: bool) -> str:
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    return f"{'Public tests' if public_only else 'Total'}: {_number(score)}/{_number(max_score)}"


def _hidden_line(report: Report, public_only: bool) -> list[str]:
    """Say how many hidden tests the student cannot see here, and why."""
    tests, points = report.hidden_not_run
    template = HIDDEN_NOT_RUN
    if public_only:
        hidden = [result for result in report.results if result.hidden]
        if hidden:
            template = HIDDEN_UNTIL_PUBLISHED
        tests, points = tests + len(hidden), points + sum(result.max_score for result in hidden)
    return [template.format(tests=counted(tests, "hidden test"), points=counted(points, "point"))] if tests else []


def _number(value: float) -> str:
    return f"{value:g}"
