"""What every assignment of the course must satisfy, checked for each one found in assignments/.

Adding an assignment is one folder in assignments/ and one in reference/; these
tests then cover it without a line more: the reference earns full marks, the
untouched stub earns nothing with every test listed, test names say what they
grade, the notebook twin matches the stub, and students are told the truth about
the hidden suite.
"""
import importlib
import importlib.util

import pytest

from autograder.assignments import list_assignments
from autograder import authoring
from autograder.grading import list_tests
from autograder.report import FAILED, PASSED
from conftest import PROJECT
from submissions.mutations import with_mistakes

ASSIGNMENTS = [assignment.name for assignment in list_assignments(PROJECT)]


@pytest.fixture(params=ASSIGNMENTS)
def assignment(request):
    return next(a for a in list_assignments(PROJECT) if a.name == request.param)


def test_reference_scores_full_marks(assignment, grade_as):
    report = grade_as(assignment.name, assignment.reference_dir / f"{assignment.module}.py")
    assert [(r.name, r.feedback) for r in report.results if r.status != PASSED] == []
    assert report.score == report.max_score > 0


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_untouched_stub_scores_zero_with_every_test_listed(assignment, grade_as, suffix):
    report = grade_as(assignment.name, assignment.public_dir / f"{assignment.module}{suffix}")
    assert [r.name for r in report.results] == [t.name for t in list_tests(assignment)]
    assert report.score == 0
    assert [r.feedback for r in report.results if r.status != FAILED or "NotImplementedError" not in r.feedback] == []


def test_every_test_names_the_function_it_grades(assignment):
    tests = list_tests(assignment)
    assert [t.name for t in tests if t.function not in assignment.functions or not t.name.startswith(
        t.function + ": ")] == []
    assert {t.function for t in tests} == set(assignment.functions)


def test_test_names_are_unique(assignment):
    names = [t.name for t in list_tests(assignment)]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_generated_files_are_up_to_date(assignment):
    assert [str(path.relative_to(PROJECT)) for path in authoring.stale(assignment)] == [], (
        f"regenerate them: grade author {assignment.name}")


def test_stub_imports_alone_and_every_graded_name_is_still_to_do(assignment):
    stub = assignment.public_dir / f"{assignment.module}.py"
    spec = importlib.util.spec_from_file_location(f"stub_{assignment.name}", stub)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert all(hasattr(module, name) for name in assignment.functions)
    assert "reference" not in stub.read_text()


def named_mistakes():
    for name in ASSIGNMENTS:
        module = importlib.import_module(f"submissions.{name}.mistakes")
        for mistake_name in module.MISTAKES:
            yield pytest.param(name, mistake_name, id=f"{name}-{mistake_name}")


@pytest.mark.parametrize("assignment_name, mistake_name", list(named_mistakes()))
def test_public_tests_catch_every_named_mistake(grade_as, assignment_name, mistake_name):
    """A student sees each kind of failure before the hidden suite runs: hidden tests add cases, not kinds."""
    mistake = importlib.import_module(f"submissions.{assignment_name}.mistakes").MISTAKES[mistake_name]
    assignment = next(a for a in list_assignments(PROJECT) if a.name == assignment_name)
    source = (assignment.reference_dir / f"{assignment.module}.py").read_text()
    report = grade_as(assignment_name, with_mistakes(source, [mistake]), include_hidden=False)
    assert [r.name for r in report.results if r.function == mistake.function and r.status != PASSED], (
        f"no public test of {mistake.function} fails")
