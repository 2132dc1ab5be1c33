"""`grade batch`: a class graded in one command gets the grades single grading gives, survives a SIGKILL."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE
from autograder.batch.discover import LINKED
from autograder.feedback import GRADER_FAULT
from autograder.batch.engine import load_graded
from autograder.sandbox.faults import DEFAULT_BUDGET
from cli import grade
from conftest import PROJECT, SUBMISSIONS
from submissions.assignment2.mistakes import MISTAKES
from submissions.mutations import with_mistakes

REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
HOSTILE = SUBMISSIONS / "assignment2" / "hostile"
GRADE = [sys.executable, str(PROJECT / "cli.py")]  # this worktree's command, whichever the venv installed


def make_class(folder: Path) -> dict[str, Path]:
    """A small mixed class, one file per student; returns student id -> file."""
    folder.mkdir()
    reference = REFERENCE.read_text()
    files = {
        "ada": ("py", reference),
        "bob": ("py", with_mistakes(reference, [MISTAKES["dropout_no_rescale"]])),
        "cyd": ("py", with_mistakes(reference, [MISTAKES["l2_takes_sqrt"]])),
        "dee": ("ipynb", (PROJECT / "assignments/assignment2/regularization.ipynb").read_text()),
        "eve": ("py", (SUBMISSIONS / "assignment2/hostile/segfault.py").read_text()),
        "fay": ("py", ""),
        "gus": ("py", with_mistakes(reference, [MISTAKES["regularized_loss_swaps_lambdas"]])),
        "hal": ("ipynb", (SUBMISSIONS / "assignment2/notebooks/correct_with_training_loop.ipynb").read_text()),
    }
    paths = {}
    for student, (suffix, text) in files.items():
        paths[student] = folder / f"{student}.{suffix}"
        paths[student].write_text(text)
    return paths


@pytest.fixture
def batch_env(course, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    return {**os.environ, COURSE_VARIABLE: str(course)}


def test_batch_gives_each_student_the_single_grading_grade(tmp_path, batch_env, grade_as):
    paths = make_class(tmp_path / "class")
    out = tmp_path / "out"
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "class"), "--out", str(out),
                                        "--jobs", "2"])
    assert result.exit_code == 0, result.output
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == sorted(paths)
    for student, path in paths.items():
        single = grade_as("assignment2", path)
        row = rows[student]
        assert float(row["score"]) == single.score and float(row["max_score"]) == single.max_score, student
        assert {r.name: r.score for r in single.results} == {name: float(row[name]) for name in
                                                             (r.name for r in single.results)}, student
        stored = json.loads((out / student / "results.json").read_text())
        assert stored["score"] == single.score
        assert (out / student / "feedback.md").read_text().startswith("# assignment2")
    for name in ("grades_canvas.csv", "summary.md", "summary.html"):
        assert (out / name).stat().st_size > 0


def test_grades_csv_has_the_documented_columns(tmp_path, batch_env, grade_as):
    make_class(tmp_path / "class")
    out = tmp_path / "out"
    CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "class"), "--out", str(out), "--jobs", "1"])
    with (out / "grades.csv").open(newline="") as file:
        header = next(csv.reader(file))
    tests = [r.name for r in grade_as("assignment2", REFERENCE).results]
    assert header == ["student", "score", "max_score", "status", *tests]


def test_a_killed_batch_resumes_to_the_grades_of_an_uninterrupted_one(tmp_path, batch_env):
    make_class(tmp_path / "class")
    uninterrupted, resumed = tmp_path / "uninterrupted", tmp_path / "resumed"
    command = [*GRADE, "batch", "assignment2", str(tmp_path / "class"), "--jobs", "1", "--out"]
    subprocess.run([*command, str(uninterrupted)], env=batch_env, check=True, capture_output=True)

    killed = subprocess.Popen([*command, str(resumed)], env=batch_env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(resumed.glob("*/grade.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    graded_before = {p.parent.name for p in resumed.glob("*/grade.json")}
    assert 3 <= len(graded_before) < 8, "the kill should land halfway"

    finished = subprocess.run([*command, str(resumed), "--resume"], env=batch_env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert f"{len(graded_before)} already graded were kept" in finished.stdout
    assert (resumed / "grades.csv").read_text() == (uninterrupted / "grades.csv").read_text()


def test_changed_submission_is_regraded_on_resume(tmp_path, batch_env):
    paths = make_class(tmp_path / "class")
    out = tmp_path / "out"
    arguments = ["batch", "assignment2", str(tmp_path / "class"), "--out", str(out), "--jobs", "1"]
    assert CliRunner().invoke(grade, arguments).exit_code == 0
    paths["fay"].write_text(REFERENCE.read_text())  # fay finally hands in a full solution
    result = CliRunner().invoke(grade, [*arguments, "--resume"])
    assert "Graded 1 submission in" in result.output and "7 already graded were kept" in result.output
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert rows["fay"]["score"] == rows["fay"]["max_score"]


def test_missing_submissions_folder_is_a_usage_error(tmp_path, batch_env):
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "nowhere"), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_zip_of_student_folders_is_graded(tmp_path, batch_env):
    paths = make_class(tmp_path / "class")
    shutil.make_archive(str(tmp_path / "upload"), "zip", tmp_path / "class")
    out = tmp_path / "out"
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "upload.zip"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.parent.name for p in out.glob("*/grade.json")) == sorted(paths)


def test_a_grading_error_lists_every_test_at_zero_as_the_grader_s_fault(course):
    from autograder.assignments import load_assignment
    from autograder.batch.discover import Entry
    from autograder.batch.engine import _error_report
    from autograder.grading import list_tests

    assignment = load_assignment("assignment2", course)
    report = _error_report(assignment, Entry("ada", REFERENCE, None, "ada.py"), RuntimeError("worker died"))
    assert [r.name for r in report.results] == [t.name for t in list_tests(assignment)]
    assert report.score == 0 and report.max_score > 0
    assert {(r.status, r.feedback) for r in report.results} == {("error", GRADER_FAULT.format(error="RuntimeError: worker died"))}


def test_a_broken_hidden_suite_stops_the_batch_with_the_reason(tmp_path, course, monkeypatch):
    broken = tmp_path / "course"
    shutil.copytree(course, broken)
    (broken / "reference" / "assignment2" / "test_regularization.py").write_text("def test_(:\n")
    monkeypatch.setenv(COURSE_VARIABLE, str(broken))
    make_class(tmp_path / "class")
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                                        "--jobs", "1"])
    assert result.exit_code == 3
    assert "could not be collected" in result.output and "test_regularization.py" in result.output


def test_a_link_to_the_reference_is_a_problem_for_its_student_not_a_full_score(tmp_path, batch_env):
    paths = make_class(tmp_path / "class")
    (tmp_path / "class" / "zed.py").symlink_to(REFERENCE)
    out = tmp_path / "out"
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "class"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == sorted([*paths, "zed"]) and float(rows["zed"]["score"]) == 0
    feedback = {test["output"] for test in json.loads((out / "zed" / "results.json").read_text())["tests"]}
    assert feedback == {LINKED.format(name="zed.py")}


def test_a_submission_crashing_every_call_costs_its_classmates_nothing(tmp_path, batch_env, grade_as):
    folder = tmp_path / "class"
    folder.mkdir()
    classmates = {"ada": REFERENCE.read_text(),
                  "cyd": with_mistakes(REFERENCE.read_text(), [MISTAKES["dropout_no_rescale"]])}
    for student, text in {**classmates, "bea": (HOSTILE / "output_crash_every_call.py").read_text()}.items():
        (folder / f"{student}.py").write_text(text)
    out = tmp_path / "out"
    # One worker: cyd is graded after bea, by the same worker and zygote.
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(folder), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for student in classmates:
        alone = grade_as("assignment2", folder / f"{student}.py")
        batched = load_graded(out, student)
        assert [(r.name, r.score, r.feedback) for r in batched.results] == \
            [(r.name, r.score, r.feedback) for r in alone.results], student
    hostile = load_graded(out, "bea")
    # abort() in PID 1 of a pid namespace ends as a segmentation fault: the kernel ignores its SIGABRT
    assert hostile.score == 0 and all("aborted the Python process" in r.feedback or "segmentation fault" in r.feedback
                                      or "was not run" in r.feedback
                                      for r in hostile.results), {r.feedback for r in hostile.results}
    assert hostile.duration < DEFAULT_BUDGET + 30, hostile.duration  # its own budget, plus loading
