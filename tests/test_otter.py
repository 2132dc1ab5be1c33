"""otter-grader interop: the export an otter course builds, graded the same, and otter's zips in `grade batch`.

Without otter: the master notebook's structure and points, the markers, the export's refusals, the bridge in a
kernel-like process of its own, and `grade batch` on otter submission zips. With the `otter` extra (CI installs
it): otter's own solution stripping gives every assignment's stub; real `otter assign` builds every assignment,
and real `otter run` grades each one's reference, stub and named mistakes (at most one per function in a
notebook: 9 notebooks for assignment2's 18 mistakes), each compared function by function with `grade`. Without the extra those tests are skipped, and the reason is printed.
"""
import ast
import csv
import importlib.util
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder import authoring
from autograder.assignments import COURSE_VARIABLE, list_assignments, load_assignment
from autograder.batch.discover import (ARCHIVED_LINK, ARCHIVED_TOO_BIG, BAD_ARCHIVE, NOTHING_ARCHIVED, SEVERAL_FILES,
                                       discover)
from autograder.exporters import otter
from autograder.grading import TestSuite, grade as grade_submission, list_tests
from cli import grade
from conftest import PROJECT
from submissions.mutations import with_mistakes

ASSIGNMENTS = [assignment.name for assignment in list_assignments(PROJECT)]
OTTER = Path(sys.executable).with_name("otter")
OTTER_RUNS = 2  # otter runs side by side: CI has two cores
OTTER_TIMEOUT = 600
NO_OTTER = ("real otter-grader tests skipped: {missing}; install the extra with pip install -e '.[otter]' "
            "(CI does)")
OTTER_CELL = re.compile(r"# Initialize Otter|grader\.check\(|grader\.export\(")  # what otter assign adds
MODULE = "regularization"


# ---------------------------------------------------------------------------------------------- the master notebook

@pytest.fixture(params=ASSIGNMENTS)
def assignment(request):
    return load_assignment(request.param, PROJECT)


def questions_of(notebook) -> dict[str, list[dict]]:
    """Each question's tests as the master notebook says them: points, hidden, the test of ours it runs, first."""
    questions, current, in_tests = {}, None, False
    for cell in notebook.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            current = re.search(r"name: (\w+)", cell.source)[1]
            questions[current] = []
        in_tests = (in_tests or cell.source == "# BEGIN TESTS") and cell.source != "# END TESTS"
        if in_tests and cell.cell_type == "code":
            config = dict(re.findall(r"^(points|hidden): (\S+)$", cell.source, re.MULTILINE))
            call = ast.parse(cell.source).body[1].body[-1].value
            questions[current].append({
                "points": float(config["points"]), "hidden": config["hidden"] == "true",
                "assignment": call.args[1].value, "test": call.args[2].value,
                "first": any(keyword.arg == "first" and keyword.value.value for keyword in call.keywords)})
    return questions


def test_each_graded_function_is_a_question_worth_its_tests_points(assignment):
    notebook = otter.master_notebook(assignment)
    questions = questions_of(notebook)
    tests = list_tests(assignment)
    assert len(questions) == len(assignment.functions)
    by_function = {cases[0]["test"].split(":")[0]: cases for cases in questions.values()}
    assert sorted(by_function) == sorted(assignment.functions)
    for function, cases in by_function.items():
        own = [t for t in tests if t.function == function]
        assert [(c["test"], c["points"], c["hidden"]) for c in cases] == [(t.name, t.max_score, t.hidden)
                                                                           for t in own]
        assert sum(c["points"] for c in cases) == sum(t.max_score for t in own) > 0
        assert [c["first"] for c in cases] == [True] + [False] * (len(cases) - 1)
        assert {c["assignment"] for c in cases} == {assignment.name}


def test_question_names_are_files_apart_even_ignoring_case():
    notebook = otter.master_notebook(load_assignment("assignment2", PROJECT))
    assert list(questions_of(notebook)) == ["l1_reg", "l2_reg", "regularized_loss", "dropout", "Dropout_class"]


def test_assignment_config_names_the_folders_students_and_the_autograder_get(assignment):
    config = otter.master_notebook(assignment).cells[0]
    assert config.cell_type == "raw" and config.source.startswith("# ASSIGNMENT CONFIG\n")
    assert f'files: ["{otter.STUDENT_FOLDER}", "autograder"]' in config.source
    assert f'autograder_files: ["{otter.INSTRUCTOR_FOLDER}"]' in config.source
    assert "ok_format: false" in config.source and '"torch' in config.source


def test_the_notebook_tells_the_instructor_what_is_weaker_and_otter_leaves_it_out(assignment):
    note = otter.master_notebook(assignment).cells[1]
    assert re.match(r"#\s*ignore", note.source, re.IGNORECASE)  # otter assign's own rule for cells it drops
    assert all(sentence in note.source for sentence in otter.WEAKER_UNDER_OTTER)


def test_the_solution_cells_run_as_the_reference(assignment):
    """Otter's markers keep the solution valid Python: the master's code runs and defines every graded name."""
    path = assignment.reference_dir / f"{assignment.module}.py"
    namespace = {"__name__": "otter_solution"}
    exec(compile(otter.otter_source(path.read_text(), str(path)), str(path), "exec"), namespace)
    assert all(name.split(".")[0] in namespace for name in assignment.functions)


def test_a_region_that_ends_inside_a_loop_keeps_the_prompt_string_inside_it():
    source = ("def total(values):\n    result = 0\n    for value in values:\n        # BEGIN SOLUTION\n"
              "        result += value\n        # END SOLUTION\n        # BEGIN PROMPT\n        # result += ...\n"
              "        # END PROMPT\n        result += 0\n    return result\n")
    converted = otter.otter_source(source)
    namespace = {}
    exec(converted, namespace)
    assert namespace["total"]([1, 2, 3]) == 6
    assert '        r""" # BEGIN PROMPT\n        result += ...\n        """; # END PROMPT' in converted


def test_a_region_without_prompt_gets_the_stub_s_sentence_and_a_helper_gets_none():
    source = ("# BEGIN SOLUTION\ndef helper():\n    return 1\n# END SOLUTION\n\n\ndef f():\n    # BEGIN SOLUTION\n"
              "    return helper()\n    # END SOLUTION\n")
    converted = otter.otter_source(source)
    assert converted.count("BEGIN PROMPT") == 1
    assert authoring.NOT_DONE.format(name="f") in converted


def test_a_prompt_holding_both_kinds_of_triple_quotes_is_refused_with_its_line():
    source = ('def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n    # BEGIN PROMPT\n'
              '    # x = """a""" + \'\'\'b\'\'\'\n    # END PROMPT\n')
    with pytest.raises(authoring.AuthoringError, match=r"line 7: a prompt holding both kinds"):
        otter.otter_source(source, "f.py")


def test_a_malformed_region_is_refused_as_grade_author_refuses_it():
    with pytest.raises(authoring.AuthoringError, match="line 2: # BEGIN SOLUTION is never closed"):
        otter.otter_source("def f():\n    # BEGIN SOLUTION\n    return 1\n", "f.py")


# ---------------------------------------------------------------------------------------------- the export

def test_export_writes_the_master_and_the_folders_it_names(tmp_path):
    assignment = load_assignment("assignment2", PROJECT)
    written = otter.export(assignment, tmp_path / "otter")
    master = tmp_path / "otter" / f"{MODULE}.ipynb"
    assert written[0] == master and nbformat.read(master, 4).cells[0].source.startswith("# ASSIGNMENT CONFIG")
    students = tmp_path / "otter" / "assignments" / "assignment2"
    assert sorted(p.name for p in students.iterdir()) == ["assignment.toml", "plots.py", "test_public.py"]  # no stub
    assert sorted(p.name for p in (tmp_path / "otter" / "reference" / "assignment2").iterdir()) == [
        f"{MODULE}.py", "test_regularization.py"]
    assert (tmp_path / "otter" / "autograder" / "exporters" / "otter.py").is_file()
    assert not list((tmp_path / "otter").rglob("__pycache__"))


def test_export_again_leaves_no_test_file_of_an_older_export(tmp_path):
    assignment = load_assignment("assignment2", PROJECT)
    stale = tmp_path / "reference" / "assignment2" / "test_renamed_since.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("raise SystemExit('collected')\n")
    otter.export(assignment, tmp_path)
    assert not stale.exists()


@pytest.mark.parametrize("inside", [".", "assignments/assignment2/otter", "autograder/otter"])
def test_export_refuses_to_overwrite_or_fill_the_folders_it_copies(course, inside):
    """`--out` the course would delete the assignment while copying it, and `--out` inside a copied folder would
    copy it into itself: refused before anything is touched."""
    package = course / "autograder"  # a course holding the package, as the project's own folder does
    package.mkdir()
    (package / "__init__.py").write_text("")
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(otter, "PACKAGE", package)
            with pytest.raises(otter.ExportError, match="export to another folder"):
                otter.export(load_assignment("assignment2", course), course / inside)
        assert sorted(p.relative_to(course) for p in course.rglob("*")) == before
    finally:
        shutil.rmtree(package)


def test_the_command_writes_the_export_and_says_what_is_weaker(course, tmp_path, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    result = CliRunner().invoke(grade, ["export", "otter", "assignment2", "--out", str(tmp_path / "otter")])
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'otter' / MODULE}.ipynb" in result.output
    assert f"otter assign {tmp_path / 'otter' / MODULE}.ipynb" in result.output
    assert all(sentence in result.output for sentence in otter.WEAKER_UNDER_OTTER)
    unknown = CliRunner().invoke(grade, ["export", "otter", "assignment9", "--out", str(tmp_path / "x")])
    assert unknown.exit_code == 2 and "Unknown assignment 'assignment9'" in unknown.output


# ---------------------------------------------------------------------------------------------- the bridge

BRIDGE = """\
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from autograder.exporters.otter import verdict
from submissions.assignment2.mistakes import MISTAKES
from submissions.mutations import with_mistakes
source = Path({reference!r}).read_text()
verdicts = {{}}
for name, code in {submissions!r}.items():
    env = {{"__name__": "__main__"}}
    exec(with_mistakes(source, [MISTAKES[m] for m in code]) if isinstance(code, list) else code, env)
    verdicts[name] = {{}}
    for test in {tests_run!r}:
        try:
            verdict(env, "assignment2", test, first=True)
            verdicts[name][test] = None
        except AssertionError as error:
            verdicts[name][test] = str(error)
print(json.dumps(verdicts))
"""
LIAR = """
import torch
class Liar:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__
def l1_reg(model):
    return Liar()
"""


def run_bridge(course: Path, submissions: dict, tests: list[str]) -> dict:
    """Run verdict() in a process of its own, as otter's kernel would: the student's code runs there."""
    script = BRIDGE.format(tests=str(PROJECT / "tests"), reference=str(PROJECT / "reference/assignment2/"
                                                                         "regularization.py"),
                           submissions=submissions, tests_run=tests)
    done = subprocess.run([sys.executable, "-c", script], cwd=course, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)}, timeout=OTTER_TIMEOUT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_bridge_gives_the_verdicts_grade_gives_on_the_kernel_s_own_functions(course, grade_as):
    tests = [t.name for t in list_tests(load_assignment("assignment2", course))]
    picked = [name for name in tests if name.startswith(("l1_reg: matches", "dropout: zeroes", "Dropout: in train"))]
    submissions = {"reference": [], "l1_sqrt": ["l1_sqrt"], "dropout_calls_torch": ["dropout_calls_torch"],
                   "liar": LIAR}
    verdicts = run_bridge(course, submissions, picked)
    assert verdicts["reference"] == dict.fromkeys(picked)
    reference = (PROJECT / "reference/assignment2/regularization.py").read_text()
    from submissions.assignment2.mistakes import MISTAKES
    for name in ("l1_sqrt", "dropout_calls_torch"):
        report = grade_as("assignment2", with_mistakes(reference, [MISTAKES[name]]))
        expected = {r.name: r.feedback for r in report.results if r.name in picked}
        assert {test: verdicts[name][test] is None for test in picked} == {
            test: not feedback for test, feedback in expected.items()}, name
    l1_sqrt = grade_as("assignment2", with_mistakes(reference, [MISTAKES["l1_sqrt"]])).results
    assert verdicts["l1_sqrt"][picked[0]] == f"{picked[0]}: {next(r.feedback for r in l1_sqrt if r.name == picked[0])}"
    # grade's source policy refuses dropout's tests; in the kernel, the banned routine is caught as it runs
    assert "called torch.nn.functional.dropout" in verdicts["dropout_calls_torch"][picked[1]]
    liar = verdicts["liar"][picked[0]]
    assert liar is not None and "Liar" in liar, "an object equal to anything comes back as a handle, not a value"


def test_the_bridge_names_a_test_the_export_does_not_know(course):
    verdicts = run_bridge(course, {"reference": []}, ["l1_reg: a test renamed since the export"])
    assert verdicts["reference"]["l1_reg: a test renamed since the export"] == otter.UNKNOWN_TEST.format(
        assignment="assignment2", test="l1_reg: a test renamed since the export")


# ---------------------------------------------------------------------------------------------- otter's zips

class _Marker:
    """Unpickling this writes a file: proof that nothing reads otter's log as a pickle."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), "unpickled"))


def otter_zip(path: Path, notebook_text: str, marker: Path, notebook: str = f"{MODULE}.ipynb", extra=()) -> Path:
    """A zip as otter's `grader.export()` writes it (otter/check/notebook.py): the notebook, otter's log (a dill
    pickle, here one that writes `marker` if loaded) and __zip_filename__."""
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(notebook, notebook_text)
        bundle.writestr(".OTTER_LOG", pickle.dumps(_Marker(marker)))
        bundle.writestr("__zip_filename__", path.name)
        for name, data in extra:
            bundle.writestr(name, data)
    return path


NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def test_a_student_zip_stands_for_its_notebook_wherever_their_file_may_be(tmp_path):
    upload, marker = tmp_path / "upload", tmp_path / "unpickled"
    (upload / "carol").mkdir(parents=True)
    otter_zip(upload / "alice.zip", NOTEBOOK + " ", marker)
    otter_zip(upload / "doe_12345_678_regularization_2024_05_01T10_00_00_000000.zip", NOTEBOOK + "  ", marker)
    otter_zip(upload / "carol" / "regularization_2024_05_01.zip", NOTEBOOK + "   ", marker,
              extra=[("regularization.pdf", b"%PDF")])
    entries = {entry.student: entry for entry in discover(upload, MODULE, tmp_path / "work")}
    assert sorted(entries) == ["12345", "alice", "carol"]
    assert [entries[s].path.read_text() for s in ("alice", "12345", "carol")] == [
        NOTEBOOK + " ", NOTEBOOK + "  ", NOTEBOOK + "   "]
    assert all(entry.path.is_relative_to(tmp_path / "work") and entry.path.name == f"{MODULE}.ipynb"
               for entry in entries.values())
    assert entries["carol"].origin == "carol/regularization_2024_05_01.zip (regularization_2024_05_01.zip): " \
                                      "regularization.ipynb"
    assert not marker.exists()


def test_a_gradescope_export_of_otter_zips_gives_each_submitter_the_notebook(tmp_path):
    upload = tmp_path / "upload"
    (upload / "submission_1").mkdir(parents=True)
    (upload / "submission_metadata.yml").write_text("submission_1:\n  :submitters:\n  - :sid: '42'\n")
    otter_zip(upload / "submission_1" / "regularization_2024.zip", NOTEBOOK, tmp_path / "marker")
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    assert entry.student == "42" and entry.path.read_text() == NOTEBOOK


def test_one_otter_zip_given_as_the_upload_is_one_student_and_its_bookkeeping_nobody(tmp_path):
    archive = otter_zip(tmp_path / "regularization_2024.zip", NOTEBOOK, tmp_path / "marker")
    (entry,) = discover(archive, MODULE, tmp_path / "work")
    assert entry.student == MODULE and entry.path.read_text() == NOTEBOOK


@pytest.mark.parametrize("members, problem", [
    ([("notes.txt", "x")], NOTHING_ARCHIVED.format(name="alice.zip")),
    ([("a.ipynb", NOTEBOOK), ("b.ipynb", NOTEBOOK)], SEVERAL_FILES.format(names="a.ipynb, b.ipynb")),
])
def test_a_zip_with_no_or_several_notebooks_is_that_student_s_problem(tmp_path, members, problem):
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "alice.zip", "w") as bundle:
        for name, data in members:
            bundle.writestr(name, data)
    (upload / "bob.ipynb").write_text(NOTEBOOK)
    entries = {entry.student: entry for entry in discover(upload, MODULE, tmp_path / "work")}
    assert entries["alice"].path is None and entries["alice"].problem == problem
    assert entries["bob"].path is not None


def test_of_several_notebooks_the_one_named_after_the_module_counts_and_a_notebook_beats_a_script(tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "alice.zip", "w") as bundle:
        bundle.writestr("scratch.ipynb", "scratch")
        bundle.writestr("work/regularization.ipynb", NOTEBOOK)
        bundle.writestr("helpers.py", "x = 1\n")
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    assert entry.path.read_text() == NOTEBOOK


def test_a_damaged_zip_is_that_student_s_problem(tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "alice.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    before, after = BAD_ARCHIVE.split("{error}")
    assert entry.path is None and entry.problem.startswith(before.format(name="alice.zip"))
    assert entry.problem.endswith(after)


@pytest.mark.parametrize("member, read", [("../../../escaped/regularization.ipynb", False),
                                          ("/escaped/regularization.ipynb", True)])
def test_a_member_named_to_land_outside_workdir_never_does(tmp_path, member, read):
    """Only the chosen member's own name is used, inside workdir; a `..` part makes a member nobody's file."""
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "alice.zip", "w") as bundle:
        bundle.writestr(member, NOTEBOOK)
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    if read:
        assert entry.path.is_relative_to(tmp_path / "work") and entry.path.read_text() == NOTEBOOK
    else:
        assert entry.path is None and entry.problem == NOTHING_ARCHIVED.format(name="alice.zip")
    assert not list(tmp_path.rglob("escaped")) and not Path("/escaped").exists()


def test_a_notebook_member_that_is_a_link_is_refused(tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    link = zipfile.ZipInfo("regularization.ipynb")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(upload / "alice.zip", "w") as bundle:
        bundle.writestr(link, "/work/main/reference/assignment2/regularization.py")
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    assert entry.problem == ARCHIVED_LINK.format(member="regularization.ipynb", name="alice.zip")


def test_a_member_larger_than_a_notebook_may_be_is_refused_while_being_read(tmp_path, monkeypatch):
    from autograder.batch import discover as discovery

    monkeypatch.setattr(discovery, "MAX_NOTEBOOK_BYTES", 1000)
    upload = tmp_path / "upload"
    upload.mkdir()
    with zipfile.ZipFile(upload / "alice.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("regularization.ipynb", " " * 100_000)
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    assert entry.problem == ARCHIVED_TOO_BIG.format(member="regularization.ipynb", name="alice.zip", limit=0)


def test_batch_grades_otter_zips_as_it_grades_the_notebooks_they_hold(course, tmp_path, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    from submissions.assignment2.mistakes import MISTAKES

    reference = (PROJECT / "reference/assignment2/regularization.py").read_text()
    notebooks = {"ada": authoring.notebook_text(reference),
                 "bob": authoring.notebook_text(with_mistakes(reference, [MISTAKES["dropout_no_rescale"]])),
                 "cyd": (PROJECT / "assignments/assignment2/regularization.ipynb").read_text()}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "zips").mkdir()
    for student, text in notebooks.items():
        (tmp_path / "notebooks" / f"{student}.ipynb").write_text(text)
        otter_zip(tmp_path / "zips" / f"{student}.zip", text, tmp_path / "marker")
    for layout in ("notebooks", "zips"):
        result = CliRunner().invoke(grade, ["batch", "assignment2", str(tmp_path / layout), "--out",
                                            str(tmp_path / f"{layout}_out"), "--jobs", "2"])
        assert result.exit_code == 0, result.output
    grades = (tmp_path / "zips_out" / "grades.csv").read_text()
    assert grades == (tmp_path / "notebooks_out" / "grades.csv").read_text()
    rows = {row["student"]: float(row["score"]) for row in csv.DictReader(grades.splitlines())}
    assert rows["ada"] > rows["bob"] > rows["cyd"] == 0


# ---------------------------------------------------------------------------------------------- real otter-grader

@pytest.fixture(scope="module")
def otter_installed(pytestconfig):
    """Skip the real otter tests when the extra is missing, printing why: never silently."""
    missing = [what for what, there in (("the otter command", OTTER.is_file()),
                                        ("ipykernel", importlib.util.find_spec("ipykernel") is not None)) if not there]
    if missing:
        reason = NO_OTTER.format(missing=" and ".join(missing) + " missing")
        reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\n{__name__}: {reason}", yellow=True)
        pytest.skip(reason)


def run_otter(*arguments, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(OTTER), *arguments], cwd=cwd, capture_output=True, text=True, timeout=OTTER_TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def assigned(course: Path, name: str, out: Path, *options) -> Path:
    """Export `name` from `course` and build it with real `otter assign`; return the dist folder."""
    assignment = load_assignment(name, course)
    master = otter.export(assignment, out)[0]
    run_otter("assign", *options, str(master), "dist", cwd=out)
    return out / "dist"


def test_otter_strips_every_export_to_the_stub_students_get(otter_installed, assignment):
    """Otter's own solution stripping, cell by cell, gives the stub `grade author` writes (blank lines aside)."""
    from otter.assign.solutions import replace_solutions

    def code(cells):
        return ["\n".join(line for line in cell.source.splitlines() if line.strip())
                for cell in cells if cell.cell_type == "code"]

    master = otter.master_notebook(assignment)
    student = [nbformat.v4.new_code_cell("\n".join(replace_solutions(cell.source.splitlines(), "python")))
               for cell in master.cells if cell.cell_type == "code" and "# BEGIN TEST CONFIG" not in cell.source]
    stub = nbformat.read(assignment.public_dir / f"{assignment.module}.ipynb", 4)
    assert code(student) == code(stub.cells)


def mistake_rounds(name: str) -> dict[str, list[str]]:
    """`name`'s named mistakes in rounds of at most one per function, so that `otter run` grades them all in as
    many notebooks as the function with most mistakes has: round name -> the mistakes spliced in together."""
    by_function: dict[str, list[str]] = {}
    for mistake_name, mistake in mistakes_of(name).items():
        by_function.setdefault(mistake.function, []).append(mistake_name)
    rounds = max(map(len, by_function.values()))
    return {f"mistakes{index + 1}": [names[index] for names in by_function.values() if index < len(names)]
            for index in range(rounds)}


def mistakes_of(name: str) -> dict:
    return importlib.import_module(f"submissions.{name}.mistakes").MISTAKES


def defined_in(source: str) -> set[str]:
    return {node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def graded_under_otter(course: Path, name: str, work: Path, sandbox) -> dict:
    """`name` built by `otter assign`; its reference, its stub and its named mistakes (mistake_rounds) graded by
    real `otter run`, two at a time, and by `grade`: submission -> (otter's points per function, grade's, otter's
    results.json)."""
    assignment = load_assignment(name, course)
    module, mistakes = assignment.module, mistakes_of(name)
    dist = assigned(course, name, work / "export", "--no-run-tests")
    assert not (dist / "student" / "reference").exists()  # the hidden suite and solution stay with the autograder
    solution = nbformat.read(dist / "autograder" / f"{module}.ipynb", 4)
    notebooks = {"reference": solution, "stub": nbformat.read(dist / "student" / f"{module}.ipynb", 4)}
    shown = json.dumps(notebooks["stub"].metadata["otter"]["tests"])  # the tests students can run
    assert all((test.name in shown) != test.hidden for test in list_tests(assignment))
    for round_name, spliced_names in mistake_rounds(name).items():
        notebooks[round_name] = nbformat.from_dict(json.loads(json.dumps(solution)))
        for cell in notebooks[round_name].cells:
            spliced = [mistakes[m] for m in spliced_names if mistakes[m].function in
                       (defined_in(cell.source) if cell.cell_type == "code" else ())]
            cell.source = with_mistakes(cell.source, spliced) if spliced else cell.source
    paths = {}
    for submission, notebook in notebooks.items():
        paths[submission] = work / submission / f"{module}.ipynb"
        paths[submission].parent.mkdir()
        nbformat.write(notebook, paths[submission])
    autograder_zip = next((dist / "autograder").glob("*.zip"))
    questions = {question: cases[0]["test"].split(":")[0]
                 for question, cases in questions_of(nbformat.read(work / "export" / f"{module}.ipynb", 4)).items()}

    def run(submission):
        folder = paths[submission].parent
        run_otter("run", "-a", str(autograder_zip), "-o", str(folder), "--no-logo", str(paths[submission]), cwd=folder)
        results = json.loads((folder / "results.json").read_text())
        return {questions[test["name"]]: test["score"] for test in results["tests"] if "score" in test}, results

    with ThreadPoolExecutor(OTTER_RUNS) as pool:
        under_otter = dict(zip(paths, pool.map(run, paths)))
    suite = TestSuite(assignment)
    graded = {}
    for submission, path in paths.items():
        report = grade_submission(assignment, path, sandbox=sandbox, suite=suite)
        graded[submission] = {function: sum(r.score for r in report.results if r.function.split(".")[0] == function)
                              for function in assignment.functions}
    return {submission: (under_otter[submission][0], graded[submission], under_otter[submission][1])
            for submission in paths}


@pytest.fixture(scope="module")
def under_otter(otter_installed, course, sandbox, tmp_path_factory):
    """Every assignment graded under real otter and by `grade` (graded_under_otter), built once per run."""
    return {name: graded_under_otter(course, name, tmp_path_factory.mktemp(name), sandbox) for name in ASSIGNMENTS}


@pytest.mark.parametrize("name, submission", [(name, submission) for name in ASSIGNMENTS
                                              for submission in ["reference", "stub", *mistake_rounds(name)]],
                         ids=lambda value: value if isinstance(value, str) else None)
def test_otter_run_gives_each_function_the_points_grade_gives(under_otter, name, submission):
    under, graded, _ = under_otter[name][submission]
    assert under == graded, mistake_rounds(name).get(submission, submission)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_under_otter_the_reference_earns_everything_and_the_stub_nothing(under_otter, name):
    total = sum(t.max_score for t in list_tests(load_assignment(name, PROJECT)))
    assert sum(under_otter[name]["reference"][0].values()) == total
    assert sum(under_otter[name]["stub"][0].values()) == 0


def test_under_otter_a_mistake_gets_its_sentence(under_otter):
    (round_name,) = [name for name, mistakes in mistake_rounds("assignment2").items()
                     if "dropout_no_rescale" in mistakes]
    results = under_otter["assignment2"][round_name][2]
    dropout = next(test for test in results["tests"] if test["name"] == "dropout")
    assert "This looks like a known mistake: the survivors were not scaled by 1/(1-p)" in dropout["output"]


def test_a_zip_made_by_otter_s_own_export_is_graded_as_its_notebook(otter_installed, tmp_path):
    """otter's real `grader.export()` (its Python API, as the export cell calls it) makes the zip batch reads."""
    student, upload = tmp_path / "alice", tmp_path / "upload"
    student.mkdir()
    upload.mkdir()
    notebook = (PROJECT / "assignments/assignment2/regularization.ipynb").read_text()
    (student / f"{MODULE}.ipynb").write_text(notebook)
    export = f"import otter; otter.Notebook({MODULE + '.ipynb'!r}).export(pdf=False, display_link=False)"
    subprocess.run([sys.executable, "-c", export], cwd=student, check=True, capture_output=True, timeout=120)
    (made,) = student.glob("*.zip")
    made.rename(upload / "alice.zip")
    (entry,) = discover(upload, MODULE, tmp_path / "work")
    assert entry.student == "alice" and entry.path.read_text() == notebook
