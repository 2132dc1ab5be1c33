"""Files a report becomes: results.json for an LMS, feedback for the student, CSVs and a summary for the class.

Each module here writes files from reports; `autograder.report` renders in memory and never imports this package.
"""
import os
import tempfile
from pathlib import Path

READABLE = 0o644


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.chmod(temporary, READABLE)  # mkstemp's 0600 would hide grades from the instructor's other tools
        os.replace(temporary, path)
    except BaseException:  # a full disk, or a batch stopped by a signal: leave no half-written file behind
        os.unlink(temporary)
        raise
