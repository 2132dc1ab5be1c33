"""A student's feedback folder: the one place that writes results.json, feedback.md and feedback.html.

`grade run --feedback DIR` writes one, and `grade batch` one per student (then its grade.json beside them).
"""
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.exporters.gradescope import DEFAULT_HIDDEN_VISIBILITY, MARKDOWN, write_results
from autograder.report import Report, html, markdown

RESULTS_FILE, MARKDOWN_FILE, HTML_FILE = "results.json", "feedback.md", "feedback.html"


def write_feedback_folder(report: Report, folder: Path, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                          output_format: str = MARKDOWN) -> tuple[Path, Path, Path]:
    """Write results.json, feedback.md and feedback.html into `folder`, each atomically; return their paths.

    Both pages are rendered before any file is written, so a rendering that fails leaves no folder half new.
    """
    pages = {MARKDOWN_FILE: markdown.render(report), HTML_FILE: html.render(report)}
    write_results(report, folder / RESULTS_FILE, hidden_visibility, output_format)
    for name, text in pages.items():
        write_atomically(folder / name, text)
    return folder / RESULTS_FILE, folder / MARKDOWN_FILE, folder / HTML_FILE
