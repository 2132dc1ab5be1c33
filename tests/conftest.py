"""Fixtures shared by the project's tests: a throwaway copy of the course, its sandbox, and a grading helper."""
import shutil
from pathlib import Path

import pytest

from autograder.assignments import load_assignment
from autograder.grading import grade
from autograder.sandbox.course_folders import start_sandbox

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
def sandbox(course):
    """One zygote for the whole run, as a batch of submissions would use it."""
    with start_sandbox(course) as sandbox:
        yield sandbox


@pytest.fixture
def grade_as(course, sandbox, tmp_path):
    """Grade a submission to the named assignment, given as a path or as the source text of its module."""
    def run(name: str, submission, timeout: float = TEST_TIMEOUT, include_hidden: bool = True,
            source_policy: bool = True):
        assignment = load_assignment(name, course)
        if isinstance(submission, str):
            path = tmp_path / f"{assignment.module}.py"
            path.write_text(submission)
            submission = path
        return grade(assignment, submission, sandbox=sandbox, timeout=timeout, include_hidden=include_hidden,
                     source_policy=source_policy)
    return run


@pytest.fixture
def assignment2(course):
    return load_assignment("assignment2", course)


@pytest.fixture
def grade2(grade_as):
    return lambda submission, timeout=TEST_TIMEOUT: grade_as("assignment2", submission, timeout)


@pytest.fixture
def attack2(grade_as):
    """Grade to assignment2 without the source policy, so an attack it would refuse really runs in the sandbox."""
    return lambda submission, timeout=TEST_TIMEOUT: grade_as("assignment2", submission, timeout, source_policy=False)
