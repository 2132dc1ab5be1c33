"""Gradescope's results.json: what an LMS autograder reads back from us (gradescope/autograder_samples docs/specs.md).

    top level   score, execution_time; `output`, shown to the student at once, so it holds only the public tests
                and how many hidden tests there are: in Markdown ("md"), or in HTML ("html", report.html's public
                part) with the plots of each function failing a public test, embedded, under MAX_HTML_OUTPUT
                characters (past it, the plots give way to a sentence); stdout_visibility "hidden" (the terminal
                report on stdout names the hidden tests: instructors only); extra_data: the assignment and the
                sandbox's layers
    each test   name, score, max_score, status, number, output (plain text); tags: its function; extra_data: the
                named mistake it matched; visibility: "visible" for a public test, the instructor's choice for a
                hidden one (after_published by default, after_due_date or hidden)

Every text is inert (no control character reaches a page that renders it; the Markdown output escapes every
markup character a student could write) and each sentence is cut to a readable size, so the file stays small
whatever a submission raises or prints.
"""
import dataclasses
import json
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.report import PASSED, Report, html, markdown
from autograder.report.safe import inert, shown
from autograder.report.text import HIDDEN_UNTIL_PUBLISHED

# When the hidden suite's sentences show; Gradescope's own words for it.
HIDDEN_VISIBILITIES = ("after_published", "after_due_date", "hidden")
DEFAULT_HIDDEN_VISIBILITY = "after_published"
# The line of the top-level output counting the hidden tests, for each of their visibilities.
HIDDEN_LATER = {
    "after_published": HIDDEN_UNTIL_PUBLISHED,
    "after_due_date": "Also graded: {tests} ({points}), whose results show after the due date.",
    "hidden": "Also graded: {tests} ({points}), whose results your instructor sees.",
}
MARKDOWN, HTML = "md", "html"  # the top-level output's format, in Gradescope's words: `--output-format`
OUTPUT_FORMATS = (MARKDOWN, HTML)
# Characters of the HTML output: plots are PNGs of tens of kB each, and with the tests' own outputs the file
# stays well under the megabyte an LMS takes in without complaint.
MAX_HTML_OUTPUT = 400_000
PLOTS_TOO_LARGE = ("the plots together would make this feedback larger than Gradescope is sent ({size} kB, at most "
                   "{limit} kB); the sentences of the tests say what failed.")


def results_json(report: Report, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                 output_format: str = MARKDOWN) -> dict:
    """Build the results.json document: every test with its score, status, sentence, function and mistake."""
    report = shown(report)
    hidden_later = HIDDEN_LATER[hidden_visibility]
    return {
        "score": report.score,
        "execution_time": round(report.duration, 3),
        "output": (html_output(report, hidden_later) if output_format == HTML  # inert and escaped, either way
                   else markdown.render(report, hidden_later=hidden_later)),
        "output_format": output_format,
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"assignment": inert(report.assignment), "sandbox": [inert(layer) for layer in report.layers]},
        "tests": [
            {
                "name": inert(result.name),
                "score": result.score,
                "max_score": result.max_score,
                "status": "passed" if result.status == PASSED else "failed",
                "output": inert(result.feedback),
                "tags": [inert(result.function)],
                "visibility": hidden_visibility if result.hidden else "visible",
                "number": str(result.number),
                "extra_data": {"mistake": inert(result.mistake)} if result.mistake else {},
            }
            for result in report.results
        ],
    }


def write_results(report: Report, path: Path, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                  output_format: str = MARKDOWN) -> None:
    """Write results.json for `report`."""
    write_atomically(path, results_text(report, hidden_visibility, output_format))


def results_text(report: Report, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                 output_format: str = MARKDOWN) -> str:
    """results.json's text for `report`."""
    return json.dumps(results_json(report, hidden_visibility, output_format), indent=2) + "\n"


def html_output(report: Report, hidden_later: str) -> str:
    """The public part of the report in HTML with its plots; past MAX_HTML_OUTPUT, each plot says why it is left
    out instead, since a file the LMS refuses would show the student nothing at all."""
    output = html.render_public(report, hidden_later)
    if len(output) <= MAX_HTML_OUTPUT:
        return output
    reason = PLOTS_TOO_LARGE.format(size=len(output) // 1000, limit=MAX_HTML_OUTPUT // 1000)
    left_out = tuple(dataclasses.replace(plot, problem=plot.problem or reason) for plot in report.plots)
    return html.render_public(dataclasses.replace(report, plots=left_out), hidden_later)
