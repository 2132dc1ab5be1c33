"""`grade release`: what students receive holds none of the course's solutions, installs, and grades as shipped.

The release is built once from this checkout (its reference/ and tests/submissions/ are the secrets), scanned by
the test itself, then installed with pip into a fresh environment where `grade` runs as a student's would.
"""
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE, list_assignments, load_assignment
from autograder.checks.plots import PLOTS_FILE
from autograder.grading import list_tests
from autograder.shipping import ShippingError
from autograder.shipping.leaks import BODY, COPY, GIT, NUMBER, course_secrets, find_leaks
from autograder.shipping.release import INSIDE_COURSE, NOT_EMPTY, build_release
from autograder.submission import BOTH_CHANGED, CHANGED_ONE, NEITHER_CHANGED, SAVED_LAST, WORKED_ON, find_worked_on
from cli import EXIT_USAGE, NO_REFERENCE, grade
from conftest import PROJECT, SUBMISSIONS
from installs import install_wheel

REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
HIDDEN_SUITE = PROJECT / "reference" / "assignment2" / "test_regularization.py"
STUDENT_FILES = {"assignment.toml", "regularization.py", "regularization.ipynb", "test_public.py"}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """Every assignment of the course, released from this checkout."""
    out = tmp_path_factory.mktemp("shipped") / "release"
    build_release(list_assignments(PROJECT), out)
    return out


@pytest.fixture(scope="module")
def wheel(release) -> Path:
    [found] = release.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The `grade` of a fresh environment where the release's wheel was installed with pip."""
    return install_wheel(wheel, tmp_path_factory.mktemp("venv"))


def run(command, cwd, **environment):
    """Run an installed `grade` as a student would: outside the checkout, without GRADE_COURSE unless given."""
    env = {key: value for key, value in os.environ.items() if key not in (COURSE_VARIABLE, "PYTHONPATH")}
    return subprocess.run(command, cwd=cwd, env={**env, **environment}, capture_output=True, text=True, timeout=300)


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- what is in it


def test_the_release_holds_the_wheel_a_readme_and_each_assignments_files(release, wheel):
    assignments = [a.name for a in list_assignments(PROJECT)]
    assert sorted(path.name for path in release.iterdir()) == sorted(["README.md", wheel.name, *assignments])
    assert {path.name for path in (release / "assignment2").iterdir()} == STUDENT_FILES
    readme = (release / "README.md").read_text()
    first = list_assignments(PROJECT)[0]
    assert f"pip install {wheel.name}" in readme and f"grade {first.name}" in readme
    assert f'check("{first.functions[0]}")' in readme
    assert "| assignment2 | regularization.py or .ipynb |" in readme and "| 22 tests (48 points) |" in readme


def test_the_wheel_holds_the_grader_and_the_public_course_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "cli.py" in names and "autograder/grading.py" in names and "autograder/notebook.py" in names
    course = [name for name in names if name.startswith("autograder/course/")]
    assert {Path(name).name for name in course if "/assignment2/" in name} == STUDENT_FILES | {PLOTS_FILE}
    assert not [name for name in names if "reference" in name.split("/") or name.startswith("tests/")
                or ".git" in name.split("/") or name.endswith(".pyc")]


def test_no_file_of_the_release_holds_a_solution_or_a_test_submission(release):
    secrets = course_secrets(PROJECT)
    assert len(secrets.files) > 50 and len(secrets.trees) > 100  # reference/ and tests/submissions/ were read
    assert find_leaks(release, secrets) == []


# ---------------------------------------------------------------- the scan finds what it must


@pytest.fixture
def tampered(release, tmp_path) -> Path:
    """A copy of the release to plant leaks in."""
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    return copy


def test_the_scan_finds_a_reference_file_and_a_test_submission(tampered):
    shutil.copy(REFERENCE, tampered / "assignment2" / "solution.py")
    notebook = SUBMISSIONS / "assignment2" / "notebooks" / "correct_with_training_loop.ipynb"
    shutil.copy(notebook, tampered / "assignment2" / "Copy of regularization.ipynb")
    found = find_leaks(tampered, course_secrets(PROJECT))
    assert COPY.format(where="assignment2/solution.py", origin="reference/assignment2/regularization.py") in found
    assert COPY.format(where="assignment2/Copy of regularization.ipynb",
                       origin="tests/submissions/assignment2/notebooks/correct_with_training_loop.ipynb") in found


def test_the_scan_finds_a_solution_body_pasted_into_a_stub_or_a_readme(tampered):
    stub = tampered / "assignment2" / "regularization.py"
    reference = REFERENCE.read_text()
    start = reference.index("    if not 0 <= p <= 1:")
    body = reference[start:reference.index("# END SOLUTION", start)]
    stub.write_text(stub.read_text().replace('raise NotImplementedError("Complete the dropout function")',
                                             body.strip(), 1))
    hidden = HIDDEN_SUITE.read_text()
    start = hidden.index("def _expect_tensor_like")
    (tampered / "README.md").write_text("Hints:\n\n" + hidden[start:hidden.index("\n\n\n", start)])
    found = find_leaks(tampered, course_secrets(PROJECT))
    assert BODY.format(where="assignment2/regularization.py", function="dropout",
                       origin="reference/assignment2/regularization.py") in found
    assert BODY.format(where="README.md", function="_expect_tensor_like",
                       origin="reference/assignment2/test_regularization.py") in found


def test_the_scan_finds_a_reformatted_body_inside_the_wheel(tampered):
    [wheel] = tampered.glob("*.whl")
    renamed = ("def helper(tensor, rate, training=True):\n    if not 0 <= rate <= 1:\n        raise ValueError("
               "f'dropout probability has to be between 0 and 1, but got {rate}')\n")
    reformatted = ("def anything(x, p, training=True):\n"
                   "    if not 0 <= p <= 1: raise ValueError(f\"dropout probability has to be between 0 and 1, "
                   "but got {p}\")\n"
                   "    if not training or p == 0: return x\n"
                   "    if p == 1: return torch.zeros_like(x)\n"
                   "    mask = torch.rand_like(x) > p  # kept\n"
                   "    return x * mask / (1 - p)\n")
    buffer = io.BytesIO(wheel.read_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("autograder/helpers.py", renamed + "\n\n" + reformatted)
    wheel.write_bytes(buffer.getvalue())
    found = find_leaks(tampered, course_secrets(PROJECT))
    assert BODY.format(where=f"{wheel.name}!autograder/helpers.py", function="dropout",
                       origin="reference/assignment2/regularization.py") in found
    assert len([leak for leak in found if "helpers.py" in leak]) == 1  # a renamed fragment of it is no body


def test_the_scan_finds_git_history_and_an_expected_value(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(PROJECT / "assignments" / "assignment2", course / "assignments" / "assignment2")
    (course / "reference" / "assignment2").mkdir(parents=True)
    (course / "reference" / "assignment2" / "test_hidden.py").write_text("EXPECTED_NORM = 3.14159265\n")
    shipped = tmp_path / "shipped"
    (shipped / ".git").mkdir(parents=True)
    (shipped / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (shipped / "notes.md").write_text("The norm should come out at 3.141_592_65 or so.\n")
    found = find_leaks(shipped, course_secrets(course))
    assert GIT.format(where=".git/HEAD") in found
    assert NUMBER.format(where="notes.md", number=3.14159265,
                         origin="reference/assignment2/test_hidden.py") in found


def test_a_release_whose_handed_out_files_hold_a_solution_is_not_written(tmp_path):
    course = tmp_path / "course"
    for part in ("assignments", "reference"):
        shutil.copytree(PROJECT / part / "assignment2", course / part / "assignment2")
    shutil.copy(REFERENCE, course / "assignments" / "assignment2" / "regularization.py")  # the stub is the answer
    out = tmp_path / "release"
    with pytest.raises(ShippingError) as caught:
        build_release([load_assignment("assignment2", course)], out)
    assert str(caught.value).startswith("The release was not written: ")
    assert "is a copy of reference/assignment2/regularization.py" in str(caught.value)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["course"]  # nothing half-built left behind


# ---------------------------------------------------------------- where it may be written


def test_release_refuses_the_course_folder_and_a_folder_holding_files(tmp_path, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(PROJECT))
    runner = CliRunner()
    inside = PROJECT / "release"
    result = runner.invoke(grade, ["release", "assignment2", "--out", str(inside)])
    assert result.exit_code == EXIT_USAGE and not inside.exists()
    assert INSIDE_COURSE.format(out=inside, course=PROJECT) in flat(result.output)
    (tmp_path / "old.txt").write_text("notes")
    result = runner.invoke(grade, ["release", "assignment2", "--out", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE and NOT_EMPTY.format(out=tmp_path) in flat(result.output)
    result = runner.invoke(grade, ["release", "assignment9", "--out", str(tmp_path / "new")])
    assert result.exit_code == EXIT_USAGE and "Unknown assignment 'assignment9'" in result.output


# ---------------------------------------------------------------- installed with pip, as students do


def test_the_installed_grader_lists_the_released_assignments_with_their_hidden_counts(installed, tmp_path):
    result = run([str(installed), "list"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "assignment2: Regularization: L1 and L2 penalties, inverted dropout (regularization.py or .ipynb)" in \
        result.stdout
    assert "  and 22 hidden tests (48 points) your instructor runs" in result.stdout
    where = run([str(installed.with_name("python")), "-c", "import autograder, cli; print(autograder.__file__, "
                 "cli.__file__)"], tmp_path).stdout
    assert str(PROJECT) not in where and where.count(str(installed.parents[1])) == 2  # the wheel's, not ours


def test_the_folder_as_shipped_grades_the_file_the_student_worked_on(release, installed, tmp_path):
    folder = tmp_path / "assignment2"
    shutil.copytree(release / "assignment2", folder)
    shutil.copy(REFERENCE, folder / "regularization.py")
    result = run([str(installed), "assignment2"], folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Total: 11/11" in result.stdout
    assert WORKED_ON.format(script="regularization.py", notebook="regularization.ipynb", folder="assignment2",
                            chosen="regularization.py", other="regularization.ipynb",
                            reason=CHANGED_ONE.format(other="regularization.ipynb")) in flat(result.stdout)


def test_with_both_files_changed_the_one_saved_last_is_graded(release, tmp_path):
    folder = tmp_path / "assignment2"
    shutil.copytree(release / "assignment2", folder)
    (folder / "regularization.py").write_text("def l1_reg(model):\n    return 0\n")
    notebook = nbformat.read(folder / "regularization.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(REFERENCE.read_text()))
    nbformat.write(notebook, folder / "regularization.ipynb")
    os.utime(folder / "regularization.py", (1_000_000_000, 1_000_000_000))
    chosen, sentence = find_worked_on(folder, "regularization", release / "assignment2")
    assert chosen == folder / "regularization.ipynb"
    assert sentence == WORKED_ON.format(script="regularization.py", notebook="regularization.ipynb",
                                        folder="assignment2", chosen="regularization.ipynb",
                                        other="regularization.py", reason=SAVED_LAST.format(state=BOTH_CHANGED))


def test_a_notebook_run_but_not_edited_counts_as_handed_out(release, tmp_path):
    folder = tmp_path / "assignment2"
    shutil.copytree(release / "assignment2", folder)
    notebook = nbformat.read(folder / "regularization.ipynb", as_version=4)
    run = next(cell for cell in notebook.cells if cell.cell_type == "code")
    run.outputs, run.execution_count = [nbformat.v4.new_output("stream", text="Random seed 2021 has been set.\n")], 1
    notebook.metadata["widgets"] = {"state": {}}
    nbformat.write(notebook, folder / "regularization.ipynb")  # saved last, yet only its outputs changed
    (folder / "regularization.py").write_text((folder / "regularization.py").read_text() + "\nSEED = 7\n")
    os.utime(folder / "regularization.py", (1_000_000_000, 1_000_000_000))
    chosen, sentence = find_worked_on(folder, "regularization", release / "assignment2")
    assert chosen == folder / "regularization.py"
    assert CHANGED_ONE.format(other="regularization.ipynb") in sentence


def test_an_untouched_folder_grades_the_notebook_and_says_why(release, tmp_path):
    folder = tmp_path / "assignment2"
    shutil.copytree(release / "assignment2", folder)
    for handed_out in ("regularization.py", "regularization.ipynb"):  # untouched: neither saved after the other
        os.utime(folder / handed_out, (1_000_000_000, 1_000_000_000))  # (copytree kept the git checkout's order)
    chosen, sentence = find_worked_on(folder, "regularization", release / "assignment2")
    assert chosen.name == "regularization.ipynb" and SAVED_LAST.format(state=NEITHER_CHANGED) in sentence


def test_a_named_file_is_graded_whatever_lies_beside_it(release, tmp_path):
    folder = tmp_path / "assignment2"
    shutil.copytree(release / "assignment2", folder)
    assert find_worked_on(folder / "regularization.py", "regularization", release / "assignment2") == (
        folder / "regularization.py", None)


def test_an_instructor_points_the_installed_grader_at_the_course(installed, course, tmp_path):
    result = run([str(installed), "list"], tmp_path, GRADE_COURSE=str(course))
    assert result.returncode == 0, result.stderr
    tests = [test for test in list_tests(load_assignment("assignment2", PROJECT)) if test.function == "dropout"]
    assert f"  dropout                    {sum(t.max_score for t in tests):g} points, {len(tests)} tests" in \
        result.stdout.splitlines()
    assert "hidden tests" not in result.stdout  # every one of them is listed, and runs


def test_batch_warns_when_the_course_has_no_hidden_tests_to_run(course, tmp_path, monkeypatch):
    public_only = tmp_path / "installed"
    shutil.copytree(course / "assignments", public_only / "assignments")
    monkeypatch.setenv(COURSE_VARIABLE, str(public_only))
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert NO_REFERENCE.format(course=public_only, assignment="assignment2", hidden="22 hidden tests") in \
        flat(result.output)
