"""The `grade` command through click's CliRunner: exit codes, messages, files written."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE, load_assignment
from autograder.grading import list_tests
from autograder.report.text import HIDDEN_NOT_RUN
from cli import EXIT_USAGE, grade
from conftest import PROJECT, SUBMISSIONS

TESTS = list_tests(load_assignment("assignment2", PROJECT))
TOTAL = sum(t.max_score for t in TESTS)
STUDENT_FIELDS = {"name", "score", "max_score", "status", "output", "visibility", "number", "tags", "extra_data"}


@pytest.fixture
def runner(course, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    return CliRunner()


def test_all_passing_exits_0_and_prints_the_total(runner):
    result = runner.invoke(grade, ["assignment2", str(PROJECT / "reference/assignment2/regularization.py")])
    assert result.exit_code == 0, result.output
    assert f"Total: {TOTAL:g}/{TOTAL:g}" in result.output


def test_failures_exit_1_with_the_sentence(runner):
    result = runner.invoke(grade, ["assignment2", str(SUBMISSIONS / "assignment2/partial.py")])
    assert result.exit_code == 1
    assert "partial.py does not define `dropout`." in result.output


def test_without_submission_it_grades_the_current_folder(runner, tmp_path, monkeypatch):
    shutil.copy(PROJECT / "reference/assignment2/regularization.py", tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(grade, ["assignment2"])
    assert result.exit_code == 0, result.output


def test_no_submission_found_exits_2_and_suggests_the_name(runner, tmp_path, monkeypatch):
    (tmp_path / "regularisation.py").touch()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(grade, ["assignment2"])
    assert result.exit_code == EXIT_USAGE
    assert "regularization.py" in result.output and "regularisation.py" in result.output


def test_both_py_and_notebook_present_grades_the_one_saved_last_and_says_so(runner, tmp_path, monkeypatch):
    for name in ("regularization.py", "regularization.ipynb"):
        (tmp_path / name).touch()
    os.utime(tmp_path / "regularization.py", (1_000_000_000, 1_000_000_000))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(grade, ["assignment2"])
    assert result.exit_code == 1
    assert "graded regularization.ipynb, the one saved last" in " ".join(result.output.split())


def test_unknown_assignment_exits_2_listing_the_known_ones(runner):
    result = runner.invoke(grade, ["assignment9", "x.py"])
    assert result.exit_code == EXIT_USAGE
    assert "Unknown assignment 'assignment9'" in result.output and "assignment2" in result.output


def test_results_json_lists_every_test_in_gradescope_schema(runner, tmp_path):
    results = tmp_path / "results.json"
    result = runner.invoke(grade, ["assignment2", str(SUBMISSIONS / "assignment2/empty.py"), "--results", str(results)])
    assert result.exit_code == 1
    document = json.loads(results.read_text())
    assert document["score"] == 0 and document["execution_time"] > 0 and document["output"]
    assert len(document["tests"]) == len(TESTS)
    assert all(set(test) == STUDENT_FIELDS for test in document["tests"])
    assert all(test["status"] == "failed" and test["output"] == "empty.py is empty." for test in document["tests"])
    assert {test["visibility"] for test in document["tests"]} == {"visible", "after_published"}


def test_feedback_folder_gets_results_and_markdown(runner, tmp_path):
    folder = tmp_path / "feedback"
    result = runner.invoke(grade, ["assignment2", str(SUBMISSIONS / "assignment2/partial.py"),
                                   "--feedback", str(folder)])
    assert result.exit_code == 1
    markdown = (folder / "feedback.md").read_text()
    assert markdown.startswith("# assignment2: ")
    assert "partial.py does not define \\`dropout\\`." in markdown  # student text: Markdown shown as written
    assert json.loads((folder / "results.json").read_text())["score"] > 0


def test_students_without_the_reference_see_how_many_tests_are_hidden(runner, course, tmp_path, monkeypatch):
    student_course = tmp_path / "bundle"
    shutil.copytree(course / "assignments", student_course / "assignments")
    monkeypatch.setenv(COURSE_VARIABLE, str(student_course))
    result = runner.invoke(grade, ["assignment2", str(PROJECT / "reference/assignment2/regularization.py")])
    assert result.exit_code == 0, result.output
    public = sum(t.max_score for t in TESTS if not t.hidden)
    assert f"Total: {public:g}/{public:g}" in result.output
    hidden = [t for t in TESTS if t.hidden]
    assert HIDDEN_NOT_RUN.format(tests=f"{len(hidden)} hidden tests",
                                 points=f"{sum(t.max_score for t in hidden):g} points") in result.output


def test_help_lists_the_assignments_and_their_functions(runner):
    result = runner.invoke(grade, ["--help"])
    assert result.exit_code == 0
    assert "assignment2  regularization.py: l1_reg, l2_reg, dropout, Dropout," in result.output


def test_list_shows_points_per_function(runner):
    result = runner.invoke(grade, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "assignment2: Regularization: L1 and L2 penalties, inverted dropout (regularization.py or .ipynb)" in lines
    assert "  l1_reg                      8 points, 4 tests" in lines


AS_A_PROGRAM = """
import atexit, sys
sys.path.insert(0, {project!r})
import cli
atexit.register(print, "exit handler ran")
sys.argv = ["grade", *{arguments!r}]
cli.main()
print("never printed: main ends the process")
"""


@pytest.mark.parametrize("arguments, code", [(["list"], 0), (["assignment9"], EXIT_USAGE)])
def test_as_a_program_it_keeps_the_exit_code_and_runs_exit_handlers(arguments, code):
    """main() skips the interpreter's teardown, not what the program registered, and flushes what it printed."""
    script = AS_A_PROGRAM.format(project=str(PROJECT), arguments=arguments)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == code, run.stderr
    assert run.stdout.endswith("exit handler ran\n") and "never printed" not in run.stdout
    assert ("assignment2" in run.stdout) == (code == 0)
