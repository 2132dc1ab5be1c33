"""A student's feedback folder: the one place that renders and writes results.json, feedback.md and feedback.html.

`grade run --feedback DIR` writes one, and `grade batch` one per student (then its grade.json beside them). A
cluster's worker renders the files where it graded and the coordinator writes them: rendering (plots drawn as PNGs
included) grows with the workers, not in the one process that holds the output folder.
"""
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.exporters.gradescope import DEFAULT_HIDDEN_VISIBILITY, MARKDOWN, results_text
from autograder.report import Report, html, markdown

RESULTS_FILE, MARKDOWN_FILE, HTML_FILE = "results.json", "feedback.md", "feedback.html"
FEEDBACK_FILES = (RESULTS_FILE, MARKDOWN_FILE, HTML_FILE)
NOT_FEEDBACK = "{name!r} is not a file of a feedback folder ({names})"


def feedback_files(report: Report, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                   output_format: str = MARKDOWN) -> dict[str, str]:
    """results.json, feedback.md and feedback.html for `report`, as text by file name."""
    return {RESULTS_FILE: results_text(report, hidden_visibility, output_format),
            MARKDOWN_FILE: markdown.render(report), HTML_FILE: html.render(report)}


def write_feedback_folder(report: Report, folder: Path, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                          output_format: str = MARKDOWN) -> tuple[Path, ...]:
    """Write results.json, feedback.md and feedback.html into `folder`, each atomically; return their paths.

    Every file is rendered before any is written, so a rendering that fails leaves no folder half new.
    """
    return write_files(folder, feedback_files(report, hidden_visibility, output_format))


def write_files(folder: Path, files: dict[str, str]) -> tuple[Path, ...]:
    """Write rendered feedback `files` (by file name) into `folder`, each atomically; return their paths."""
    for name in files:
        if name not in FEEDBACK_FILES:
            raise ValueError(NOT_FEEDBACK.format(name=name, names=", ".join(FEEDBACK_FILES)))
    for name, text in files.items():
        write_atomically(folder / name, text)
    return tuple(folder / name for name in files)
