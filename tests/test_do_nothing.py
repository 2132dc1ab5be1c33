"""Doing nothing earns nothing: every do-nothing variant of every graded name scores 0 for that name.

The variants (tests/submissions/do_nothing.py) are spliced into the reference one at a time, and
then all at once, so that no name can earn points by being judged against another name that does
nothing too (Dropout against an identity dropout).
"""
import pytest

from autograder.assignments import list_assignments
from conftest import PROJECT
from submissions.do_nothing import variants
from submissions.mutations import with_mistakes

ASSIGNMENTS = {assignment.name: assignment for assignment in list_assignments(PROJECT)}


def reference_source(assignment) -> str:
    return (assignment.reference_dir / f"{assignment.module}.py").read_text()


def cases():
    for name, assignment in ASSIGNMENTS.items():
        for function, kinds in variants(name, reference_source(assignment), assignment.functions).items():
            yield pytest.param(name, function, id=f"{name}-{function}")


def earned(report, function) -> dict[str, float]:
    return {r.name: r.score for r in report.results if r.function == function and r.score}


@pytest.mark.parametrize("assignment_name, function", list(cases()))
def test_each_do_nothing_variant_scores_zero_for_its_name(grade_as, assignment_name, function):
    assignment = ASSIGNMENTS[assignment_name]
    source = reference_source(assignment)
    for kind, variant in variants(assignment_name, source, assignment.functions)[function]:
        report = grade_as(assignment_name, with_mistakes(source, [variant]))
        assert earned(report, function) == {}, f"{function} that {kind}"


@pytest.mark.parametrize("assignment_name", sorted(ASSIGNMENTS))
def test_a_submission_doing_nothing_anywhere_scores_zero(grade_as, assignment_name):
    assignment = ASSIGNMENTS[assignment_name]
    source = reference_source(assignment)
    table = variants(assignment_name, source, assignment.functions)
    for position in range(max(len(kinds) for kinds in table.values())):
        chosen = [kinds[min(position, len(kinds) - 1)][1] for kinds in table.values()]
        report = grade_as(assignment_name, with_mistakes(source, chosen))
        assert {r.name: r.score for r in report.results if r.score} == {}, [
            f"{variant.function}: {kinds[min(position, len(kinds) - 1)][0]}"
            for variant, kinds in zip(chosen, table.values())]
