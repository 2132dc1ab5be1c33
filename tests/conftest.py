"""Fixtures shared by the project's tests: a throwaway copy of the course, its sandbox, and a grading helper."""
import shutil
from pathlib import Path

import pytest

from autograder.assignments import load_assignment
from autograder.grading import grade, start_sandbox

PROJECT = Path(__file__).resolve().parents[1]
SUBMISSIONS = PROJECT / "tests" / "submissions"
TEST_TIMEOUT = 3.0  # seconds per call: enough for every correct call, short for the hostile ones


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A copy of the course, so hostile submissions that escaped could only damage the copy."""
    root = tmp_path_factory.mktemp("course")
    for part in ("assignments", "reference"):
        shutil.copytree(PROJECT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture(scope="session")
def assignment2(course):
    return load_assignment("assignment2", course)


@pytest.fixture(scope="session")
def sandbox2(assignment2):
    with start_sandbox(assignment2) as sandbox:
        yield sandbox


@pytest.fixture
def grade2(assignment2, sandbox2, tmp_path):
    """Grade a submission given as a path, or as source text written to regularization.py."""
    def run(submission, timeout: float = TEST_TIMEOUT):
        if isinstance(submission, str):
            path = tmp_path / "regularization.py"
            path.write_text(submission)
            submission = path
        return grade(assignment2, submission, sandbox=sandbox2, timeout=timeout)
    return run
