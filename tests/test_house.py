"""The house reads one way, and says each thing once.

Imports: each layer imports only those below it, checked on the source with `ast`:

    batch -> exporters -> report (renderers) -> grading -> checks -> sandbox

grading fills in the report's data model (`autograder.report`: Report, TestResult, Status), so it may import
that package itself, never a renderer under it (text, markdown, html, safe, plots). Lazy imports inside
functions count as much as those at the top of a module.

One feedback folder: `grade run --feedback` and `grade batch` write a student's folder with one function.
One sentence says the grader, not the student's code, failed: feedback.GRADER_FAULT.
A test's status is a Status (a str enum) that every output prints as the bare strings it replaced.
"""
import ast
import csv
import json
from pathlib import Path

import pytest

import cli
from autograder.batch import engine
from autograder.batch.discover import Entry
from autograder.exporters.feedback_folder import (HTML_FILE, MARKDOWN_FILE, RESULTS_FILE, feedback_files,
                                                 write_feedback_folder, write_files)
from autograder.exporters.gradescope import results_json
from autograder.exporters.grades import write_grades_csv
from autograder.feedback import GRADER_FAULT
from autograder.report import ERROR, FAILED, PASSED, Report, Status, html, markdown, text
from autograder.report import TestResult as Result  # as TestResult, pytest would try to collect it

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
CLI = PACKAGE.parent / "cli.py"
LAYERS = ("sandbox", "checks", "grading", "report", "exporters", "batch")  # bottom to top; the rest is unranked
REPORT_MODEL = "autograder.report"
# Grading builds the Report it returns, so the data model is the one part of `report` below it.
ALLOWED = {("grading", REPORT_MODEL)}
# Words of the sentences that blamed the grader before GRADER_FAULT was the one: none may come back beside it.
OLD_BLAME = ("internal grading error", "internal error", "not a fault of", "not because of", "grader itself failed",
             "grader's fault", "not your code", "could not grade,")


def test_every_module_imports_only_layers_below_it():
    found = [problem for path in sorted(PACKAGE.rglob("*.py"))
             for problem in violations(_module_name(path), path.read_text())]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module, source", [
    ("autograder.report.summary", "from autograder.exporters import write_atomically"),
    ("autograder.report.text", "def f():\n    from autograder.batch.engine import run_batch"),
    ("autograder.exporters.grades", "import autograder.batch.discover"),
    ("autograder.grading", "def f():\n    from autograder.report import plots"),
    ("autograder.grading", "from autograder.report.safe import inert"),
    ("autograder.checks.values", "from autograder.report import Report"),
    ("autograder.sandbox.remote", "from autograder import exporters"),
    ("autograder.sandbox.remote", "from autograder.checks import expect_close"),
    ("autograder.checks.values", "from autograder.grading import GradingError"),
])
def test_an_import_up_the_pipeline_is_caught(module, source):
    assert violations(module, source)


@pytest.mark.parametrize("module, source", [
    ("autograder.grading", "from autograder.report import PASSED, Report, Status, TestResult"),
    ("autograder.exporters.gradescope", "from autograder.report import markdown\nfrom . import write_atomically"),
    ("autograder.batch.engine", "from autograder.exporters.summary import write_summary"),
    ("autograder.report.text", "from autograder.feedback import counted"),
    ("autograder.exporters.summary", "from ..report.safe import html_text"),
    ("autograder.exporters.otter", "from autograder import authoring, grading"),
])
def test_an_import_down_the_pipeline_is_allowed(module, source):
    assert violations(module, source) == []


def violations(module: str, source: str) -> list[str]:
    """Say, for each import in `source` (the module `module`) that runs up the pipeline, which layers it crosses."""
    layer = _layer(module)
    return [f"{module} imports {imported}: {layer} is below {_layer(imported)}"
            for imported in sorted(_imports(module, source))
            if layer in LAYERS and _layer(imported) in LAYERS
            and LAYERS.index(_layer(imported)) > LAYERS.index(layer) and (layer, imported) not in ALLOWED]


def _imports(module: str, source: str) -> set[str]:
    """Every autograder module `source` imports, `from package import submodule` naming the submodule."""
    package = module if _is_package(module) else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            names.update(f"{base}.{alias.name}" if _exists(f"{base}.{alias.name}") else base for alias in node.names)
    return {name for name in names if name.split(".")[0] == "autograder"}


def _layer(module: str) -> str:
    """The package or module right under autograder: `autograder.report.text` is in `report`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(module: str) -> bool:
    return (PACKAGE.parent / module.replace(".", "/") / "__init__.py").exists()


def _exists(module: str) -> bool:
    where = PACKAGE.parent / module.replace(".", "/")
    return where.with_suffix(".py").exists() or (where / "__init__.py").exists()


# ---------------------------------------------------------------------------------------- the feedback folder

def sample_report() -> Report:
    """A public test passed and a hidden one failed, with text a renderer must escape."""
    results = (Result("dropout: keeps 1 - p", 2.0, 2.0, PASSED, "", False, 1),
               Result("l1_reg: <b>sums</b> |p|", 0.0, 1.0, FAILED, "l1_reg(*) returned `1`; expected 2.", True, 2,
                          mistake="squares"))
    return Report("assignment2", "Regularization", "regularization.py", results, duration=0.5)


def test_the_folder_holds_results_json_and_both_pages(tmp_path):
    report, folder = sample_report(), tmp_path / "ada"
    paths = write_feedback_folder(report, folder, hidden_visibility="after_due_date")
    assert paths == (folder / RESULTS_FILE, folder / MARKDOWN_FILE, folder / HTML_FILE)
    assert json.loads(paths[0].read_text()) == results_json(report, "after_due_date")
    assert paths[1].read_text() == markdown.render(report) and paths[2].read_text() == html.render(report)
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in paths)  # no temporaries
    assert {path.stat().st_mode & 0o777 for path in paths} == {0o644}


def test_a_page_that_fails_to_render_leaves_the_old_folder_whole(tmp_path, monkeypatch):
    folder = tmp_path / "ada"
    write_feedback_folder(sample_report(), folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}

    def broken(report):
        raise RuntimeError("a renderer's bug")

    monkeypatch.setattr(html, "render", broken)
    graded_again = Report("assignment2", "Regularization", "other.py", sample_report().results[:1])
    with pytest.raises(RuntimeError):
        write_feedback_folder(graded_again, folder)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize("name", ["grade.json", "../feedback.html", "notes.txt"])
def test_files_rendered_elsewhere_are_written_only_under_the_folder_s_own_names(tmp_path, name):
    """A cluster's worker renders the files and the coordinator writes them: no other name, no other place."""
    files = {**feedback_files(sample_report()), name: "from a worker"}
    with pytest.raises(ValueError, match="not a file of a feedback folder"):
        write_files(tmp_path / "ada", files)
    assert not (tmp_path / "ada").exists() and not (tmp_path / "feedback.html").exists()


def test_grade_run_writes_its_feedback_folder_with_the_one_function(tmp_path):
    report = sample_report()
    cli._write_outputs(report, tmp_path / "results.json", tmp_path / "cli", "hidden")
    write_feedback_folder(report, tmp_path / "direct", "hidden")
    assert _files(tmp_path / "cli") == _files(tmp_path / "direct")
    assert (tmp_path / "results.json").read_bytes() == (tmp_path / "direct" / RESULTS_FILE).read_bytes()


def test_grade_batch_writes_each_student_folder_with_the_one_function_then_grade_json(tmp_path):
    report, submission = sample_report(), tmp_path / "regularization.py"
    submission.write_text("def dropout(x, p): return x\n")
    engine._store(tmp_path / "out", Entry("ada", submission, None, "ada/regularization.py"), "suite", report)
    write_feedback_folder(report, tmp_path / "direct")
    stored = _files(tmp_path / "out" / "ada")
    assert Report.from_dict(json.loads(stored.pop(engine.GRADE_FILE))["report"]) == report
    assert stored == _files(tmp_path / "direct")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


# ---------------------------------------------------------------------------------------- the grader's fault

def test_one_sentence_says_the_grader_is_at_fault():
    found = [f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}"
             for path in [*sorted(PACKAGE.rglob("*.py")), CLI] for line, text in _sentences(path.read_text())
             if text != GRADER_FAULT and any(words in text.lower() for words in OLD_BLAME)]
    assert not found, "say it with autograder.feedback.GRADER_FAULT:\n" + "\n".join(found)


def test_the_sentence_says_whose_fault_and_what_to_do_before_the_details():
    sentence = GRADER_FAULT.format(error="KeyError: 'x'")
    assert "not your code" in sentence and "tell your instructor" in sentence
    assert sentence.endswith(": KeyError: 'x'")  # a sentence cut to size loses the details, not the advice


def _sentences(source: str) -> list[tuple[int, str]]:
    """Every string literal of `source` but docstrings, with its line; f-strings by their literal parts."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


# ---------------------------------------------------------------------------------------- the test status

def test_a_status_is_an_enum_whose_members_keep_the_old_names_and_values():
    assert (PASSED, FAILED, ERROR) == (Status.PASSED, Status.FAILED, Status.ERROR)
    assert [status.value for status in Status] == ["passed", "failed", "error"]
    assert all(isinstance(status, str) and status == status.value for status in Status)


@pytest.mark.parametrize("printed", [str, "{}".format, "{:>8}".format, "%s".__mod__, json.dumps],
                         ids=["str", "f-string", "aligned", "percent", "json"])
def test_a_status_prints_as_its_value_whatever_prints_it(printed):
    assert printed(FAILED) == printed("failed")  # Python 3.11's f-string alone would say Status.FAILED


def test_a_report_round_trips_through_json_with_real_statuses():
    report = sample_report()
    data = report.to_dict()
    assert [type(result["status"]) for result in data["results"]] == [str, str]
    again = Report.from_dict(json.loads(json.dumps(data)))
    assert again == report and [result.status for result in again.results] == [Status.PASSED, Status.FAILED]
    assert all(type(result.status) is Status for result in again.results)


def test_a_status_no_one_defined_is_refused():
    with pytest.raises(ValueError, match="'passd' is not a valid Status"):
        Result("dropout: keeps 1 - p", 2.0, 2.0, "passd", "", False, 1)


def test_the_files_print_the_same_status_words_as_before(tmp_path):
    report, submission = sample_report(), tmp_path / "regularization.py"
    submission.write_text("def dropout(x, p): return x\n")
    engine._store(tmp_path, Entry("ada", submission, None, "ada/regularization.py"), "suite", report)
    stored = (tmp_path / "ada" / engine.GRADE_FILE).read_text()
    assert '"status": "passed"' in stored and '"status": "failed"' in stored and "Status" not in stored
    results = json.loads((tmp_path / "ada" / RESULTS_FILE).read_text())
    assert [test["status"] for test in results["tests"]] == ["passed", "failed"]
    write_grades_csv([("ada", report)], tmp_path / "grades.csv")
    rows = list(csv.reader((tmp_path / "grades.csv").open()))
    assert rows[1][:4] == ["ada", "2", "3", "graded"] and "Status" not in (tmp_path / "grades.csv").read_text()
    page = (tmp_path / "ada" / HTML_FILE).read_text()
    assert '<tr class="passed">' in page and '<tr class="failed">' in page and "Status." not in page
    assert " ok " in text.render(report, unicode=False) and " XX " in text.render(report, unicode=False)
