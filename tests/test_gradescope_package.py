"""`grade gradescope`: the autograder zip, unpacked under a folder standing in for /autograder and run there.

run_autograder runs the zip's own wheel, installed with pip into a fresh environment (GRADE_COMMAND), on a
correct, a partial, a hostile and a missing submission; each results.json is checked against Gradescope's
specification (gradescope/autograder_samples, docs/specs.md).
"""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import mistune
import nbformat
import pytest

from autograder.assignments import load_assignment
from autograder.exporters.gradescope import HIDDEN_LATER
from autograder.grading import list_tests
from autograder.report.safe import markdown
from autograder.shipping.gradescope_package import NO_REFERENCE, NOT_STARTED, build_package
from autograder.shipping.leaks import course_secrets, find_leaks
from conftest import PROJECT, SUBMISSIONS
from installs import install_wheel

VISIBILITY = "after_due_date"  # not the default, so the option is seen to reach results.json
TESTS = list_tests(load_assignment("assignment2", PROJECT))
TOTAL = sum(test.max_score for test in TESTS)
PUBLIC_POINTS = sum(test.max_score for test in TESTS if not test.hidden)
NOT_RESCALED = "the survivors were not scaled by 1/(1-p), so the expected activation shrinks to (1-p)*x"
REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
HOSTILE = SUBMISSIONS / "assignment2" / "hostile" / "ship_gradescope_forge.py"
PYTHON_310 = [*sorted(Path("/root/.pyenv/versions").glob("3.10*/bin/python")), shutil.which("python3.10")]

# docs/specs.md: every field of results.json and of a test, and the values it allows.
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
TOP_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": FORMATS,
              "test_output_format": FORMATS, "test_name_format": FORMATS, "visibility": VISIBILITIES,
              "stdout_visibility": VISIBILITIES, "extra_data": dict, "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": (int, float), "max_score": (int, float), "status": {"passed", "failed"}, "name": str,
               "name_format": FORMATS, "number": str, "output": str, "output_format": FORMATS, "tags": list,
               "visibility": VISIBILITIES, "extra_data": dict}


def assert_follows_the_spec(document: dict) -> None:
    """Check a results.json document field by field against docs/specs.md."""
    _check_fields(document, TOP_FIELDS, "results.json")
    tests = document.get("tests", [])
    assert "score" in document or all("score" in test for test in tests), "a score at the top or on every test"
    for number, test in enumerate(tests, start=1):
        _check_fields(test, TEST_FIELDS, f"test {number}")
        assert all(isinstance(tag, str) for tag in test.get("tags", [])), test["tags"]
    page = mistune.html(document.get("output", ""))  # "md": rendered; only our own markup may appear
    assert not re.search(r"<(script|img|a|iframe|style)\b", page), page


def _check_fields(record: dict, fields: dict, where: str) -> None:
    assert not set(record) - set(fields), f"{where}: fields the spec does not have: {set(record) - set(fields)}"
    for name, allowed in fields.items():
        if name not in record:
            continue
        value = record[name]
        if isinstance(allowed, set):
            assert value in allowed, f"{where}: {name} is {value!r}, not one of {sorted(allowed)}"
        else:
            assert isinstance(value, allowed) and not isinstance(value, bool), f"{where}: {name} is {value!r}"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    build_package(load_assignment("assignment2", PROJECT), out, VISIBILITY)
    return out


@pytest.fixture(scope="module")
def grade_command(package, tmp_path_factory) -> Path:
    """The `grade` that setup.sh would install: the zip's own wheel, installed with pip into a fresh environment."""
    unpacked = tmp_path_factory.mktemp("wheel")
    with zipfile.ZipFile(package) as archive:
        [wheel] = [name for name in archive.namelist() if name.endswith(".whl")]
        archive.extract(wheel, unpacked)
    return install_wheel(unpacked / wheel, tmp_path_factory.mktemp("venv"))


@pytest.fixture
def autograder(package, tmp_path) -> Path:
    """A folder laid out as Gradescope lays out /autograder: the zip in source/, run_autograder copied beside it."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # extractall drops the modes the zip keeps
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    return root


def run_autograder(root: Path, grade_command) -> dict:
    """Run run_autograder as Gradescope does (from /autograder, here `root`); return results.json."""
    environment = {key: value for key, value in os.environ.items() if key not in ("GRADE_COURSE", "PYTHONPATH")}
    finished = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, timeout=300,
                              env={**environment, "AUTOGRADER_ROOT": str(root), "GRADE_COMMAND": str(grade_command)})
    assert finished.returncode == 0, finished.stdout + finished.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    assert_follows_the_spec(document)
    return document


# ---------------------------------------------------------------- the zip


def test_the_zip_holds_the_scripts_the_grader_and_this_assignments_tests_only(package):
    with zipfile.ZipFile(package) as archive:
        members = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    top = sorted(name for name in members if "/" not in name)
    assert top[:2] == ["dl_autograder-0.1.0-py3-none-any.whl", "run_autograder"] and top[2:] == ["setup.sh"]
    assert members["setup.sh"] & 0o111 and members["run_autograder"] & 0o111
    course = sorted(name for name in members if "/" in name)
    assert course == ["course/assignments/assignment2/assignment.toml",
                      "course/assignments/assignment2/plots.py",
                      "course/assignments/assignment2/regularization.ipynb",
                      "course/assignments/assignment2/regularization.py",
                      "course/assignments/assignment2/test_public.py",
                      "course/reference/assignment2/regularization.py",
                      "course/reference/assignment2/test_regularization.py"]
    assert not [name for name in members if "torch" in name.lower()]
    assert package.stat().st_size < 1_000_000


def test_the_zip_holds_nothing_of_another_assignment(package):
    own = sorted((PROJECT / "reference" / "assignment2").glob("*.py"))
    assert find_leaks(package, course_secrets(PROJECT, own)) == []
    with zipfile.ZipFile(package) as archive:
        [wheel] = [name for name in archive.namelist() if name.endswith(".whl")]
        with zipfile.ZipFile(archive.open(wheel)) as inner:
            course = {name.split("/")[3] for name in inner.namelist() if name.startswith("autograder/course/")}
    assert course == {"assignment2"}


def test_the_scripts_pass_shellcheck(autograder):
    if shutil.which("shellcheck") is None:
        if os.environ.get("CI"):
            pytest.fail("shellcheck is missing: .ci/run installs Debian's package")
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    source = autograder / "source"
    finished = subprocess.run(["shellcheck", "--shell=bash", str(source / "setup.sh"), str(source / "run_autograder")],
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout


def test_setup_installs_a_cpu_torch_then_the_wheel_into_a_readable_venv(autograder):
    setup = (autograder / "source" / "setup.sh").read_text()
    torch = setup.index("--index-url https://download.pytorch.org/whl/cpu torch")
    assert torch < setup.index("./dl_autograder-0.1.0-py3-none-any.whl")  # torch first: the wheel's pip keeps it
    assert "python3 -m venv /opt/dl-autograder" in setup and "apt-get install" in setup


@pytest.mark.skipif(not any(PYTHON_310), reason="no Python 3.10 on this machine")
def test_the_grader_compiles_under_python_3_10(tmp_path):
    """Gradescope's default image runs Python 3.10: every module of the grader must at least compile there."""
    python = next(str(path) for path in PYTHON_310 if path)
    sources = [str(path) for path in sorted((PROJECT / "autograder").rglob("*.py"))]
    finished = subprocess.run([python, "-c", "import sys\nfor path in sys.argv[1:]: "
                               "compile(open(path).read(), path, 'exec', dont_inherit=True)", *sources,
                               str(PROJECT / "cli.py"), str(PROJECT / "setup.py")], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr


# ---------------------------------------------------------------- run_autograder


def test_a_correct_submission_gets_every_point(autograder, grade_command):
    shutil.copy(REFERENCE, autograder / "submission" / "regularization.py")
    document = run_autograder(autograder, grade_command)
    assert document["score"] == TOTAL and len(document["tests"]) == len(TESTS)
    hidden = {test.name for test in TESTS if test.hidden}
    assert [test["visibility"] for test in document["tests"]] == [
        VISIBILITY if test["name"] in hidden else "visible" for test in document["tests"]]
    assert HIDDEN_LATER[VISIBILITY].format(tests=f"{len(hidden)} hidden tests", points=f"{TOTAL - PUBLIC_POINTS:g} "
                                           "points") in document["output"]
    assert f"**Public tests: {PUBLIC_POINTS:g} / {PUBLIC_POINTS:g}**" in document["output"]
    assert not [name for name in hidden if markdown(name) in document["output"]]  # counted, never shown
    assert document["output_format"] == "md" and document["stdout_visibility"] == "hidden"
    assert all(test["tags"] == [test["name"].split(":")[0]] for test in document["tests"])


def test_a_partial_notebook_gets_its_points_and_the_named_mistake(autograder, grade_command):
    unscaled = REFERENCE.read_text().replace("return x * mask / (1 - p)", "return x * mask")
    cells = [unscaled, "from autograder import check", 'check("dropout")']
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    nbformat.write(notebook, autograder / "submission" / "regularization.ipynb")
    document = run_autograder(autograder, grade_command)
    assert 0 < document["score"] < TOTAL
    assert document["score"] == sum(test["score"] for test in document["tests"])
    named = [test for test in document["tests"] if test["extra_data"]]
    assert named and {test["extra_data"]["mistake"] for test in named} == {NOT_RESCALED}
    assert all(test["tags"] == ["dropout"] and NOT_RESCALED in test["output"] for test in named)
    assert {test["tags"][0] for test in document["tests"] if test["status"] == "failed"} <= {"dropout", "Dropout"}


def test_a_hostile_submission_can_neither_forge_the_results_nor_read_the_hidden_tests(autograder, grade_command):
    forged = HOSTILE.read_text().replace('ROOT = "/autograder"', f'ROOT = "{autograder}"')
    (autograder / "submission" / "regularization.py").write_text(forged)
    document = run_autograder(autograder, grade_command)
    assert len(document["tests"]) == len(TESTS) and "forged" not in {test["name"] for test in document["tests"]}
    assert document["score"] == sum(test["score"] for test in document["tests"]) < TOTAL
    sentences = [test["output"] for test in document["tests"] if test["name"].startswith(("l1_reg", "dropout"))]
    assert sentences and all("FORGED" not in s and "READ" not in s for s in sentences)
    assert any("refused write: " in s and "refused read: " in s for s in sentences)  # it ran, and was refused both
    hidden_source = (PROJECT / "reference" / "assignment2" / "test_regularization.py").read_text()[:300]
    assert hidden_source[:60] not in json.dumps(document)


def test_a_missing_submission_lists_every_test_at_zero_with_the_reason(autograder, grade_command):
    (autograder / "submission" / "notes.txt").write_text("I forgot to attach it")
    document = run_autograder(autograder, grade_command)
    assert document["score"] == 0 and len(document["tests"]) == len(TESTS)
    sentences = {test["output"] for test in document["tests"]}
    assert sentences == {"There is no regularization.py or regularization.ipynb in submission, nor any other .py or "
                         ".ipynb file."}
    assert str(autograder) not in json.dumps(document)


def test_results_json_is_written_even_when_the_grader_cannot_start(autograder):
    document = run_autograder(autograder, "/bin/false")
    assert document == NOT_STARTED


@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="offline wheel builds need setuptools")
def test_the_zip_builds_in_seconds_from_the_command_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import grade

    monkeypatch.setenv("GRADE_COURSE", str(PROJECT))
    result = CliRunner().invoke(grade, ["gradescope", "assignment2", "--out", str(tmp_path / "autograder.zip"),
                                        "--hidden-visibility", "hidden"])
    assert result.exit_code == 0, result.output
    assert re.search(r"built in \d+\.\d s\): setup\.sh, run_autograder, dl_autograder-0\.1\.0-py3-none-any\.whl, "
                     r"course/ \(7 files\)", result.output)
    with zipfile.ZipFile(tmp_path / "autograder.zip") as archive:
        assert "--hidden-visibility hidden" in archive.read("run_autograder").decode()


def test_an_autograder_needs_the_reference(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import EXIT_USAGE, grade

    shutil.copytree(PROJECT / "assignments", tmp_path / "course" / "assignments")
    monkeypatch.setenv("GRADE_COURSE", str(tmp_path / "course"))
    out = tmp_path / "autograder.zip"
    result = CliRunner().invoke(grade, ["gradescope", "assignment2", "--out", str(out)])
    assert result.exit_code == EXIT_USAGE and not out.exists()
    assert NO_REFERENCE.format(name="assignment2", folder=tmp_path / "course" / "reference" / "assignment2") in \
        " ".join(result.output.split())
