"""Grade deep-learning exercises with the student's code kept in a sandbox.

The pipeline, one module or folder each:

    submission  read a .py or .ipynb into definitions, never executing anything here
    policy      read those definitions for delegation and tampering (own work, plain exercise code)
    sandbox     a pre-imported zygote forks a confined child that runs the student's code;
                only allowlisted plain data comes back
    checks      the vocabulary hidden tests speak: each failed check is one sentence
    grading     runs public and hidden tests under pytest and collects a Report
    report      the Report (the data model grading fills in) and its renderings: terminal, Markdown, HTML
    exporters   the files a report becomes: results.json, the feedback folder, a class's CSVs and summary

Start at `autograder.grading.grade`. On top of the pipeline: `batch` (a class), `shipping` (the student release
and the Gradescope autograder) and `notebook` (`from autograder import check` in a notebook).
"""


def __getattr__(name: str):
    """Import `check` on first use, so `import autograder.x` (the sandbox's child does) never loads the pipeline."""
    if name == "check":
        from autograder.notebook import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
