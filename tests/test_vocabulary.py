"""The course's tests speak one vocabulary: every hidden suite and public test file imports from autograder.checks
alone (plus torch, numpy, pytest and the standard library), and the checks added for them say their sentences."""
import ast
import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE
from autograder.checks import (RaisedError, StudentFault, expect_accepts, expect_close_or_own, expect_in_graph,
                               expect_returns, expect_unchanged, matches_own, row)
from autograder.checks.calls import CHANGED, CHANGED_INSIDE, REFUSED
from autograder.checks.gradients import NOT_IN_GRAPH
from autograder.sandbox import messages
from cli import grade
from conftest import PROJECT

VOCABULARY = "autograder.checks"
OUTSIDE = "{file}, line {line}: imports {module}; course tests import only from autograder.checks"


def course_test_files() -> list[Path]:
    return sorted([*PROJECT.glob("reference/*/test_*.py"), *PROJECT.glob("assignments/*/test_public.py")])


def imports_outside_vocabulary(path: Path, root: Path = PROJECT) -> list[str]:
    """Each import of an autograder module other than autograder.checks, as file (from `root`) and line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                   else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
        found += [OUTSIDE.format(file=path.relative_to(root), line=node.lineno, module=module) for module in modules
                  if module.split(".")[0] == "autograder" and module != VOCABULARY]
    return found


def test_every_course_test_file_is_found():
    names = {path.parent.name for path in course_test_files()}
    assert {"assignment1", "assignment2", "assignment3", "assignment4"} <= names
    assert len(course_test_files()) >= 8


@pytest.mark.parametrize("path", course_test_files(), ids=lambda path: str(path.relative_to(PROJECT)))
def test_course_tests_import_only_the_checks(path):
    assert imports_outside_vocabulary(path) == []


def test_a_new_assignment_speaks_the_vocabulary_too(tmp_path, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(tmp_path))
    (tmp_path / "assignments").mkdir()
    assert CliRunner().invoke(grade, ["new", "week5"]).exit_code == 0
    made = [*tmp_path.glob("reference/*/test_*.py"), *tmp_path.glob("assignments/*/test_public.py")]
    assert len(made) == 2
    assert [found for path in made for found in imports_outside_vocabulary(path, root=tmp_path)] == []


@pytest.mark.parametrize("source", [
    "from autograder.sandbox.remote import RaisedError\n",
    "import autograder.feedback\n",
    "from autograder import feedback\n",
    "def helper():\n    from autograder.sandbox import probes\n",
])
def test_an_import_from_outside_is_named_by_file_and_line(tmp_path, source):
    path = tmp_path / "test_suite.py"
    path.write_text("import numpy as np\nfrom autograder.checks import graded\n" + source)
    found = imports_outside_vocabulary(path, root=tmp_path)
    line = 4 if source.startswith("def") else 3
    assert len(found) == 1 and found[0].startswith(f"test_suite.py, line {line}: imports ")


class FakeStudent:
    """What expect_unchanged needs of StudentCode: run a probe on copies of the arguments, as the sandbox does."""

    def run(self, probe, *args, seed=None, label=None, **kwargs):
        return probe(*copy.deepcopy(args), **kwargs)


def labelled(function, label):
    function.label = label
    return function


def scale_in_place(x, factor):
    x *= factor
    return x


def test_unchanged_names_the_argument_that_changed_and_the_mistake():
    x = np.array([1.0, 2.0])
    with pytest.raises(StudentFault) as failure:
        expect_unchanged(FakeStudent(), labelled(scale_in_place, "scale"), x, 2.0, names=("x",),
                         mistake="{argument} was changed in place")
    sentence = CHANGED.format(call="scale(array([1., 2.]), 2.0)", argument="x", before="array([1., 2.])",
                              after="array([2., 4.])")
    assert str(failure.value) == sentence + " This looks like a known mistake: x was changed in place."


def test_unchanged_passes_a_new_result_and_returns_it():
    x = torch.ones(3)
    got = expect_unchanged(FakeStudent(), labelled(lambda x, factor: x * factor, "scale"), x, 2.0, names=("x",))
    assert torch.equal(got, torch.full((3,), 2.0))


def raising(error_type: str, ancestry: tuple):
    def call(*args):
        raise RaisedError("split(...)", messages.Raised(type=error_type, ancestry=ancestry, message="sum is not 1",
                                                        where=None, traceback=""))
    return call


def test_accepts_turns_the_refusal_into_the_expected_behaviour():
    with pytest.raises(StudentFault) as failure:
        expect_accepts(ValueError, raising("ValueError", ("ValueError", "Exception")), 0.7, expected="a split",
                       mistake="compared with 1 exactly")
    assert str(failure.value).startswith(REFUSED.format(raised="split(...) raised ValueError: sum is not 1.",
                                                        expected="a split"))
    assert failure.value.mistake == "compared with 1 exactly"


def test_accepts_leaves_other_errors_to_speak_for_themselves():
    with pytest.raises(RaisedError):
        expect_accepts(ValueError, raising("KeyError", ("KeyError", "LookupError", "Exception")), expected="a split")
    assert expect_accepts(ValueError, lambda p: p * 2, 0.5, expected="a split") == 1.0


def test_returns_names_the_call_by_its_arguments():
    with pytest.raises(StudentFault) as failure:
        expect_returns(labelled(lambda theta, lr: theta - lr, "sgd_step"), np.array([1.0, 2.0]), 0.5,
                       expected=np.array([0.0, 1.0]))
    assert str(failure.value).startswith("sgd_step(array([1., 2.]), 0.5) returned array([0.5, 1.5]); expected")


def test_in_graph_reads_the_flag_the_sandbox_sends_and_a_local_graph():
    parameter = torch.ones(2, requires_grad=True)
    expect_in_graph((parameter ** 2).sum(), call="l2_reg(model)")
    travelled = torch.tensor(2.0)
    travelled.child_grad_fn = "SumBackward0"
    expect_in_graph(travelled, call="l2_reg(model)")
    travelled.child_grad_fn = None
    with pytest.raises(StudentFault) as failure:
        expect_in_graph(travelled, call="l2_reg(model)", inputs="the model's parameters")
    assert str(failure.value) == NOT_IN_GRAPH.format(call="l2_reg(model)", inputs="the model's parameters")
    with pytest.raises(StudentFault, match="returned 2.0; expected a torch.Tensor"):
        expect_in_graph(2.0, call="l2_reg(model)")


def test_close_or_own_accepts_the_students_own_route_only_when_it_proves_something():
    expect_close_or_own(np.array([1.0, 3.0]), np.array([1.0, 2.0]), call="train()", own=lambda: np.array([1.0, 3.0]))
    with pytest.raises(StudentFault):
        expect_close_or_own(np.array([1.0, 3.0]), np.array([1.0, 2.0]), call="train()", own=lambda: None)

    def failing_own():
        raise StudentFault("loss(...) raised ValueError.")
    with pytest.raises(StudentFault, match="^train\\(\\) returned"):
        expect_close_or_own(np.array([1.0, 3.0]), np.array([1.0, 2.0]), call="train()", own=failing_own)


def test_matches_own_takes_the_students_own_value_only_when_it_does_something():
    x, dropped = torch.ones(4), torch.tensor([2.0, 0.0, 2.0, 0.0])
    assert matches_own(dropped, lambda: dropped.clone(), idle=x)
    assert not matches_own(x, lambda: x.clone(), idle=x)  # the student's dropout returns x: it lends nothing
    assert not matches_own(dropped, lambda: torch.tensor([0.0, 2.0, 2.0, 0.0]), idle=x)
    assert not matches_own(dropped, lambda: None)


@pytest.mark.parametrize("own_value", [torch.ones(2, 2), [2.0, 0.0, 2.0, 0.0], object()],
                         ids=["another-shape", "a-list", "not-comparable"])
def test_matches_own_refuses_what_cannot_be_the_same_value(own_value):
    assert not matches_own(torch.tensor([2.0, 0.0, 2.0, 0.0]), lambda: own_value, idle=torch.ones(4))


def test_matches_own_is_no_match_when_the_students_own_function_fails():
    def failing_own():
        raise StudentFault("dropout(...) raised ValueError.")
    assert not matches_own(torch.ones(4), failing_own)


def test_unchanged_shows_where_a_big_argument_changed():
    x = torch.ones(100)
    with pytest.raises(StudentFault) as failure:
        expect_unchanged(FakeStudent(), labelled(scale_in_place, "scale"), x, 2.0, names=("x",))
    assert str(failure.value) == CHANGED_INSIDE.format(
        call="scale(a float32 tensor of shape (100,), 2.0)", argument="x", before="a float32 tensor of shape (100,)",
        difference=" (100 of 100 values differ; first at index (0,): 2 instead of 1)")


def test_a_row_of_a_table_has_its_own_name_points_and_role():
    marked = row("sgd_step", name="sgd_step: matches torch", points=3, core=False)
    assert marked.values == ("sgd_step",) and marked.id == "sgd_step"
    assert [mark.kwargs for mark in marked.marks] == [{"name": "sgd_step: matches torch", "points": 3, "core": False}]
