"""The suites' fast paths say what their call-by-call paths said; a slow single grading says it is under way.

Paths of 100 steps are taken in the sandbox in one round trip, the 800-seed checks take every split stacked, and
case loops send their calls together; where a result is malformed or a call raises, the calls are made again one
at a time so that the sentence names the call. These tests give the fast paths such results and compare the
sentences with those the call-by-call code writes; the torch.optim paths the grader computes without
torch._dynamo are compared with those of optimizer.step() itself.
"""
import contextlib
import json
import importlib.util
import os
import pty
import subprocess
import sys

import numpy as np
import pytest
import torch

from autograder.feedback import StudentFault
from autograder.report import FAILED, PASSED
from cli import ERASE_LINE, GRADING_NOTICE
from conftest import PROJECT
from submissions.mutations import Mistake, with_mistakes


def hidden_suite(assignment: str, name: str):
    """A hidden test module imported here, to call its helpers as the grader does."""
    path = PROJECT / "reference" / assignment / f"test_{name}.py"
    spec = importlib.util.spec_from_file_location(f"hidden_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OPTIMIZERS = hidden_suite("assignment3", "optimizers")
OPTIMIZERS_REFERENCE = (PROJECT / "reference" / "assignment3" / "optimizers.py").read_text()
SPLITS_REFERENCE = (PROJECT / "reference" / "assignment4" / "splits.py").read_text()
REGULARIZATION = PROJECT / "reference" / "assignment2" / "regularization.py"

# A correct sgd_step until the gradient's largest entry falls below 0.05 (step 9 of problem A at lr=0.1, step
# 2 of problem B at lr=0.3), then float32: malformed in the middle of a path.
SGD_TURNING_FLOAT32 = Mistake(function="sgd_step", source='''\
def sgd_step(theta, grad, lr):
    theta = theta - lr * grad
    return theta.astype(np.float32) if np.abs(grad).max() < 0.05 else theta
''')


def test_torch_paths_are_those_of_optimizer_step():
    for name, runs in OPTIMIZERS.RUNS.items():
        rule = OPTIMIZERS.RULES[name]
        for run in (*runs, *([OPTIMIZERS.SMALL_RUNS[name]] if name in OPTIMIZERS.SMALL_RUNS else [])):
            theta = torch.tensor(OPTIMIZERS.least_squares(run.problem)[2], dtype=torch.float64, requires_grad=True)
            optimizer, expected = rule.make([theta], *run.hyper), []
            for _ in range(OPTIMIZERS.STEPS):
                theta.grad = torch.from_numpy(OPTIMIZERS.gradient(run.problem, theta.detach().numpy()))
                optimizer.step()
                expected.append((theta.detach().numpy().copy(), *rule.read(optimizer.state[theta], *run.hyper)))
            got = OPTIMIZERS.torch_path(rule, run)
            assert all(np.array_equal(a, b) for step, other in zip(got, expected) for a, b in zip(step, other)), (
                name, run.problem.shown)


def test_a_path_malformed_midway_is_told_as_the_call_by_call_replay_tells_it(grade_as):
    source = with_mistakes(OPTIMIZERS_REFERENCE, [SGD_TURNING_FLOAT32])
    namespace = {}
    exec(compile(source, "optimizers.py", "exec"), namespace)
    rule, run = OPTIMIZERS.RULES["sgd_step"], OPTIMIZERS.RUNS["sgd_step"][0]
    with pytest.raises(StudentFault) as replayed:
        OPTIMIZERS.replay(rule, run, namespace["sgd_step"])
    report = grade_as("assignment3", source)
    path_test = next(r for r in report.results if r.name.startswith("sgd_step: 100 steps"))
    assert (path_test.status, path_test.feedback) == (FAILED, str(replayed.value))
    assert "float32" in path_test.feedback


def test_a_path_that_raises_midway_names_the_call_that_raised(grade_as):
    raising = Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t == 42:
        raise ValueError("t is 42")
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''')
    report = grade_as("assignment3", with_mistakes(OPTIMIZERS_REFERENCE, [raising]))
    failed = {r.name: r.feedback for r in report.results if r.function == "adam_step" and r.status != PASSED}
    path = failed["adam_step: 100 steps match torch.optim.Adam on seeded least-squares problems"]
    assert path.startswith("adam_step(") and ", 42, 0.01, 0.9, 0.999, 1e-08) raised ValueError: t is 42" in path
    public = failed["adam_step: the notebook's 100 steps with lr=0.1 on its example problem"]
    assert "raised ValueError: t is 42" in public


def test_a_split_malformed_for_one_seed_of_800_names_that_seed(grade_as):
    last_seed_wrong = Mistake(function="train_test_split", source='''\
def train_test_split(data, labels, train_prop=0.8, seed=None):
    if not 0 < train_prop < 1:
        raise ValueError("train_prop must be between 0 and 1")
    order = shuffled_indices(len(data), seed)
    n_train = int(len(data) * train_prop)
    train, test = order[:n_train], order[n_train:]
    if seed == 799:
        return take(data, train) + 0.5, take(data, test), take(labels, train), take(labels, test)
    return take(data, train), take(data, test), take(labels, train), take(labels, test)
''')
    report = grade_as("assignment4", with_mistakes(SPLITS_REFERENCE, [last_seed_wrong]))
    frequency = next(r for r in report.results if r.name.startswith("train_test_split: over 800 seeds"))
    assert frequency.status == FAILED
    assert frequency.feedback.startswith("train_data of train_test_split(data, labels, train_prop=0.7, seed=799) on "
                                         "10 rows of numpy data holds")


def test_folds_as_lists_are_read_as_tuples_are(grade_as):
    lists = Mistake(function="kfold_indices", source='''\
def kfold_indices(n, k, seed=None):
    if not 2 <= k <= n:
        raise ValueError("k must be between 2 and n")
    folds = np.array_split(shuffled_indices(n, seed), k)
    return [[np.concatenate(folds[:j] + folds[j + 1:]), folds[j]] for j in range(k)]
''')
    report = grade_as("assignment4", with_mistakes(SPLITS_REFERENCE, [lists]))
    assert [(r.name, r.feedback) for r in report.results if r.function == "kfold_indices" and r.status != PASSED] == []


def test_a_case_loop_names_the_case_that_raised(grade_as):
    unlucky = hidden_suite("assignment4", "splits").tdt_cases()[4][0]
    raising = Mistake(function="train_dev_test_split", source=f'''\
def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):
    if len(data) == {unlucky}:
        raise ValueError("unlucky")
    n_train, n_dev = int(len(data) * partitions[0]), int(len(data) * partitions[1])
    order = shuffled_indices(len(data), seed)
    parts = order[:n_train], order[n_train:n_train + n_dev], order[n_train + n_dev:]
    return (*(take(data, part) for part in parts), *(take(labels, part) for part in parts))
''')
    report = grade_as("assignment4", with_mistakes(SPLITS_REFERENCE, [raising]))
    sizes = next(r for r in report.results if r.name.startswith("train_dev_test_split: int(n * partitions[0])"))
    assert sizes.feedback.startswith("train_dev_test_split(") and "raised ValueError: unlucky" in sizes.feedback


def grade_reference_with_stderr(stderr) -> int:
    command = [sys.executable, str(PROJECT / "cli.py"), "assignment2", str(REGULARIZATION)]
    return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=stderr, timeout=120).returncode


def test_a_terminal_sees_grading_under_way_then_the_line_erased():
    ours, theirs = pty.openpty()
    try:
        assert grade_reference_with_stderr(theirs) == 0  # a cold start takes longer than NOTICE_AFTER
        os.close(theirs)
        written = b""
        with contextlib.suppress(OSError):  # EIO once everything written was read
            while chunk := os.read(ours, 4096):
                written += chunk
    finally:
        os.close(ours)
    assert written == (GRADING_NOTICE.format(submission="regularization.py") + ERASE_LINE).encode()


def test_a_log_gets_no_grading_notice(tmp_path):
    log = tmp_path / "stderr.log"
    with log.open("wb") as stream:
        assert grade_reference_with_stderr(stream) == 0
    assert log.read_bytes() == b""


NOTEBOOK_LIBRARIES_SEEN = """
import json, sys
from pathlib import Path
sys.path.insert(0, {project!r})
from autograder.sandbox.course_folders import start_sandbox
from autograder.sandbox.remote import StudentCode
from autograder.submission import load_submission
with start_sandbox(Path({project!r}), fork={fork}, notebook_libraries={shared}) as sandbox:
    student = StudentCode(sandbox, load_submission(Path({submission!r})), "plotting", timeout=60)
    print(json.dumps(student.seen()))
    student.close()
"""
PLOTTING_STUDENT = '''
import sys

def seen():
    loaded = "matplotlib.pyplot" in sys.modules  # before this student's own import
    import io
    import matplotlib
    import matplotlib.pyplot as plt
    plt.plot([1, 2, 3], [3, 1, 2])
    plt.title("loss")
    buffer = io.BytesIO()
    plt.savefig(buffer, format="png")
    return [loaded, matplotlib.get_backend().lower(), buffer.getvalue()[:4] == b"\\x89PNG"]
'''


@pytest.mark.parametrize("fork, shared", [(True, True), (False, True), (True, False)])
def test_a_grader_of_many_shares_pyplot_with_its_children_and_plotting_still_works(tmp_path, fork, shared):
    """A batch worker (forking its zygote) or a notebook's kernel (a fresh one) has the zygote import matplotlib.pyplot
    (half a second per notebook otherwise): the child finds it loaded, on Agg, and a student's plot renders as it
    does in a child without it."""
    submission = tmp_path / "plotting.py"
    submission.write_text(PLOTTING_STUDENT)
    script = NOTEBOOK_LIBRARIES_SEEN.format(project=str(PROJECT), fork=fork, shared=shared, submission=str(submission))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == [shared, "agg", True]
