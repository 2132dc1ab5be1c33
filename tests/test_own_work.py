"""Own work, by every route: a function that hands its work to the routine it re-implements earns nothing.

Two layers see it. The source policy (tests/test_policy.py) reads the submission and refuses the function
before it runs, naming the line once. The sandbox also records every banned routine that runs during a call,
whichever code or thread calls it, so the routes the source hides (exec, a thread, torch's other spellings,
a recorder emptied through gc) are caught as they run: these tests grade the policy's attack files with the
policy off, then on. torch.ops.aten is the policy's alone (torch.ops is off limits in graded code).
"""
import pytest

from autograder.report import PASSED
from conftest import SUBMISSIONS
from submissions.assignment2.mistakes import MISTAKES
from submissions.mutations import with_mistakes

POLICY = SUBMISSIONS / "policy"
REFERENCES = {name: (SUBMISSIONS.parent.parent / "reference" / name / module).read_text()
              for name, module in (("assignment2", "regularization.py"), ("assignment3", "optimizers.py"),
                                   ("assignment4", "splits.py"))}

# attack file -> (assignment, the graded name it delegates in, the routine the sandbox sees run)
RUNTIME_ROUTES = {
    "own_direct.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_helper.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_partial.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_native.py": ("assignment2", "dropout", "torch.native_dropout"),
    "own_vf.py": ("assignment2", "dropout", "torch._VF.dropout"),
    "own_exec_filename.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_thread.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_gc_recorder.py": ("assignment2", "dropout", "torch.nn.functional.dropout"),
    "own_adam_kernel.py": ("assignment3", "adam_step", "torch.optim.adam._single_tensor_adam"),
    "own_random_split_helper.py": ("assignment4", "train_test_split", "torch.utils.data.random_split"),
}


def spliced(assignment: str, attack: str) -> str:
    """The reference with the attack file's definitions in place of its own: a submission whose only fault is
    the attack."""
    return REFERENCES[assignment] + "\n\n# ---- the attack\n" + (POLICY / attack).read_text()


def of(report, function):
    return [r for r in report.results if r.function == function]


@pytest.mark.parametrize("attack", sorted(RUNTIME_ROUTES))
def test_the_sandbox_sees_a_delegation_run_whoever_makes_the_call(grade_as, attack):
    assignment, function, routine = RUNTIME_ROUTES[attack]
    report = grade_as(assignment, spliced(assignment, attack), source_policy=False)
    tests = of(report, function)
    assert sum(r.score for r in tests) == 0, [(r.name, r.feedback) for r in tests if r.score]
    assert any(f"called {routine}" in r.feedback for r in tests), {r.feedback for r in tests}


@pytest.mark.parametrize("attack", sorted(RUNTIME_ROUTES))
def test_the_policy_names_the_line_once_and_costs_every_test(grade_as, attack):
    assignment, function, _ = RUNTIME_ROUTES[attack]
    first, *others = of(grade_as(assignment, spliced(assignment, attack)), function)
    assert first.status != PASSED and "line" in first.feedback and first.mistake
    assert {r.feedback for r in others} == {f"Not run: {function} breaks a rule of this assignment, as test "
                                            f"{first.number} says."}


def test_the_untraced_routine_is_not_handed_out_through_wrapped(grade_as):
    report = grade_as("assignment2", spliced("assignment2", "own_wrapped.py"), source_policy=False)
    assert sum(r.score for r in of(report, "dropout")) == 0
    assert any("AttributeError" in r.feedback and "__wrapped__" in r.feedback for r in of(report, "dropout"))


@pytest.mark.parametrize("source_policy", [True, False])
def test_a_Dropout_built_on_a_delegating_dropout_keeps_its_own_points(grade_as, source_policy):
    report = grade_as("assignment2", with_mistakes(REFERENCES["assignment2"], [MISTAKES["dropout_calls_torch"]]),
                      source_policy=source_policy)
    assert sum(r.score for r in of(report, "dropout")) == 0
    assert [(r.name, r.feedback) for r in of(report, "Dropout") if r.status != PASSED] == []


@pytest.mark.parametrize("source_policy", [True, False])
def test_a_rewritten_probe_changes_no_verdict(grade_as, source_policy):
    report = grade_as("assignment2", SUBMISSIONS / "assignment2" / "hostile" / "probe_rewrite.py",
                      source_policy=source_policy)
    gradient = next(r for r in report.results if r.name.startswith("l1_reg: its gradient"))
    assert gradient.status != PASSED, gradient.feedback
    if not source_policy:  # the grader's own probe ran: it saw a penalty autograd cannot differentiate
        assert "without a gradient" in gradient.feedback
    assert {r.status for r in of(report, "l2_reg")} == ({PASSED} if not source_policy else {"failed"})


def test_code_that_watches_for_the_grader_on_the_stack_earns_nothing(grade_as):
    report = grade_as("assignment2", spliced("assignment2", "plain_frames.py"))
    first, *others = of(report, "dropout")
    assert "sys._getframe" in first.feedback and sum(r.score for r in of(report, "dropout")) == 0
    assert {r.feedback for r in others} == {f"Not run: dropout breaks a rule of this assignment, as test "
                                            f"{first.number} says."}
