"""Hostile submissions are contained: each costs the student only the tests it attacks.

Every case grades a file from tests/submissions/assignment2/hostile (its docstring
says what it attacks) against a throwaway copy of the course, then checks what a
sandbox escape would have changed. The source policy would refuse most of these
before they run, so they are graded without it (`attack2`): the sandbox must hold
on its own.
"""
import ast
from pathlib import Path

import pytest

from autograder.report import PASSED
from conftest import PROJECT, SUBMISSIONS

HOSTILE = SUBMISSIONS / "assignment2" / "hostile"

# file -> (function whose tests must all fail, function whose tests must all pass, words the failure must contain)
CONTAINED = {
    "sys_exit": ("l1_reg", "l2_reg", ["sys.exit(3)"]),
    "os_exit": ("l2_reg", "l1_reg", ["ended the Python process"]),
    "infinite_loop": ("dropout", "l1_reg", ["did not finish within 3 s"]),
    "sleep_forever": ("l1_reg", "l2_reg", ["did not finish within 3 s"]),
    "memory_bomb": ("l2_reg", "l1_reg", ["MemoryError", "did not finish within", "was killed"]),
    "segfault": ("l1_reg", "l2_reg", ["segmentation fault"]),
    "always_equal": ("l1_reg", "l2_reg", ["AlwaysEqual"]),
    "reduce_payload": ("l1_reg", None, ["not a torch tensor"]),
    "network": ("l1_reg", None, [""]),
    "read_reference": ("l1_reg", None, [""]),
    "overwrite_tests": ("l1_reg", None, [""]),
}


def scores_by_function(report) -> dict[str, set[str]]:
    statuses: dict[str, set[str]] = {}
    for result in report.results:
        statuses.setdefault(result.function, set()).add(result.status)
    return statuses


@pytest.mark.parametrize("name", sorted(CONTAINED))
def test_attack_costs_only_the_attacked_function(attack2, name):
    attacked, witness, words = CONTAINED[name]
    report = attack2(HOSTILE / f"{name}.py")
    statuses = scores_by_function(report)
    assert PASSED not in statuses[attacked]
    if witness:
        assert statuses[witness] == {PASSED}, [r.feedback for r in report.results if r.function == witness]
    feedback = [r.feedback for r in report.results if r.function == attacked]
    assert any(word in text for text in feedback for word in words), feedback


def test_monkeypatched_comparisons_change_nothing(attack2):
    source = (HOSTILE / "monkeypatch.py").read_text()
    patched = attack2(source)
    unpatched = attack2(_without_module_level_patches(source))
    assert [r.status for r in patched.results] == [r.status for r in unpatched.results]
    assert {r.function for r in patched.results if r.status != PASSED} >= {"l1_reg", "l2_reg", "regularized_loss"}


def _without_module_level_patches(source: str) -> str:
    """The same submission minus its `module.attribute = ...` assignments and try blocks at top level."""
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if not isinstance(node, ast.Try) and not (
        isinstance(node, ast.Assign) and any(isinstance(target, ast.Attribute) for target in node.targets))]
    return ast.unparse(tree)


def test_reduce_payload_never_runs_in_the_grader(attack2):
    marker = Path("/tmp/PWNED_reduce_payload")
    marker.unlink(missing_ok=True)
    attack2(HOSTILE / "reduce_payload.py")
    assert not marker.exists()


def test_reference_cannot_be_read_or_echoed(attack2, course):
    report = attack2(HOSTILE / "read_reference.py")
    secret_lines = {line.strip() for path in (course / "reference").rglob("*.py")
                    for line in path.read_text().splitlines() if len(line.strip()) > 25}
    secret_lines |= {line.strip() for path in (PROJECT / "reference").rglob("*.py")
                     for line in path.read_text().splitlines() if len(line.strip()) > 25}
    shown = "\n".join([r.feedback for r in report.results] + list(report.notes))
    assert not [line for line in secret_lines if line in shown]


def test_tests_and_grader_cannot_be_overwritten(attack2, course):
    watched = sorted((course / "reference").rglob("*.py")) + sorted((PROJECT / "reference").rglob("*.py"))
    before = {path: path.read_bytes() for path in watched}
    attack2(HOSTILE / "overwrite_tests.py")
    assert {path: path.read_bytes() for path in watched} == before
    assert not list((PROJECT / "autograder").rglob("PWNED*"))


def test_network_is_unreachable(attack2):
    report = attack2(HOSTILE / "network.py")
    feedback = " ".join(r.feedback for r in report.results if r.function == "l1_reg")
    assert "connected" not in feedback and "port" not in feedback, feedback


def test_no_process_outlives_grading(attack2):
    report = attack2(HOSTILE / "fork_children.py")
    l1_reg = [result for result in report.results if result.function == "l1_reg"]
    assert l1_reg[0].status == PASSED  # answered although its sleepers hold the grader's pipes
    # Five sleepers a call add up: once the submission's processes reach its limit, fork fails.
    assert all(result.status == PASSED or "BlockingIOError" in result.feedback for result in l1_reg)
    assert not _processes_named("hostile-sleeper")


def test_fork_bomb_is_capped_and_cleaned_up(attack2):
    report = attack2(HOSTILE / "fork_bomb.py")
    statuses = scores_by_function(report)
    assert statuses["l1_reg"] == statuses["l2_reg"] == {PASSED}
    uids = [int(layer.split()[1]) for layer in report.layers if layer.startswith("uid ")]
    assert not _processes_of_uids(uids)  # without a uid of its own, the pid namespace test above covers it


def test_killing_the_parent_is_contained(attack2, sandbox):
    if not any("pid" in layer or "landlock" in layer for layer in attack2(HOSTILE / "sys_exit.py").layers):
        pytest.skip("neither a pid namespace nor Landlock signal scoping is available: this attack is unsafe here")
    report = attack2(HOSTILE / "kill_parent.py")
    assert scores_by_function(report)["l1_reg"] == {PASSED}
    assert sandbox.process.poll() is None  # the zygote survived too


def _processes_named(name: str) -> list[int]:
    return [pid for pid, status in _process_status() if status.get("Name") == name]


def _processes_of_uids(uids) -> list[int]:
    return [pid for pid, status in _process_status() if int(status.get("Uid", "-1").split()[0]) in uids]


def _process_status():
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            lines = (entry / "status").read_text().splitlines()
        except OSError:
            continue
        yield int(entry.name), dict(line.split(":\t", 1) for line in lines if ":\t" in line)


DISK_FILLER = '''
import os


def l1_reg(model):
    """Write 1 MiB files until something stops it; say how far it got."""
    written = 0
    try:
        for number in range(1000):
            with open(f"filler-{number}", "wb") as file:
                file.write(b"x" * 2**20)
            written += 1
    except OSError as error:
        return f"{written} MiB, then {type(error).__name__}: {error.strerror}"
    return f"{written} MiB"
'''


def test_scratch_space_is_capped_as_a_whole(attack2):
    report = attack2(DISK_FILLER)
    if not any("scratch" in layer and "MiB" in layer for layer in report.layers):
        pytest.skip("no mount namespace here: scratch is an ordinary folder")
    feedback = next(r.feedback for r in report.results if r.function == "l1_reg")
    assert "No space left on device" in feedback, feedback
    assert int(feedback.split("'")[1].split()[0]) <= 64


def test_the_source_policy_refuses_an_attack_before_it_runs(grade2):
    report = grade2(HOSTILE / "segfault.py")
    l1 = [r for r in report.results if r.function == "l1_reg"]
    assert "ctypes" in l1[0].feedback and "segmentation fault" not in l1[0].feedback
    assert {r.feedback for r in l1[1:]} == {f"Not run: l1_reg breaks a rule of this assignment, as test "
                                            f"{l1[0].number} says."}
