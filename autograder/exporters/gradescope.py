"""Gradescope's results.json: what an LMS autograder reads back from us."""
import json
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.report import PASSED, Report
from autograder.report.text import render

HIDDEN_TESTS_VISIBILITY = "after_published"  # the hidden suite's sentences show once grades are published


def results_json(report: Report) -> dict:
    """Build the results.json document: every test with its score, status and sentence."""
    return {
        "score": report.score,
        "execution_time": round(report.duration, 3),
        "output": render(report, width=100),
        "output_format": "text",
        "visibility": "visible",
        "tests": [
            {
                "name": result.name,
                "score": result.score,
                "max_score": result.max_score,
                "status": "passed" if result.status == PASSED else "failed",
                "output": result.feedback,
                "visibility": HIDDEN_TESTS_VISIBILITY if result.hidden else "visible",
                "number": str(result.number),
            }
            for result in report.results
        ],
    }


def write_results(report: Report, path: Path) -> None:
    """Write results.json for `report`."""
    write_atomically(path, json.dumps(results_json(report), indent=2) + "\n")
