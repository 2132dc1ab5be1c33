"""Gradescope's results.json: what an LMS autograder reads back from us.

The top-level `output` is shown to the student at once, so it holds only the public tests and how many hidden
tests there are; each hidden test's own entry is shown once grades are published. Every text is inert (no
control character reaches a page that renders it) and each sentence is cut to a readable size, so the file
stays small whatever a submission raises or prints.
"""
import json
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.report import PASSED, Report
from autograder.report.safe import inert, shown
from autograder.report.text import render

HIDDEN_TESTS_VISIBILITY = "after_published"  # the hidden suite's sentences show once grades are published
OUTPUT_WIDTH = 100


def results_json(report: Report) -> dict:
    """Build the results.json document: every test with its score, status and sentence."""
    report = shown(report)
    return {
        "score": report.score,
        "execution_time": round(report.duration, 3),
        "output": render(report, width=OUTPUT_WIDTH, public_only=True),  # inert already
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "tests": [
            {
                "name": inert(result.name),
                "score": result.score,
                "max_score": result.max_score,
                "status": "passed" if result.status == PASSED else "failed",
                "output": inert(result.feedback),
                "visibility": HIDDEN_TESTS_VISIBILITY if result.hidden else "visible",
                "number": str(result.number),
            }
            for result in report.results
        ],
    }


def write_results(report: Report, path: Path) -> None:
    """Write results.json for `report`."""
    write_atomically(path, json.dumps(results_json(report), indent=2) + "\n")
