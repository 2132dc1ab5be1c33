"""results.json with its top-level output in HTML (`--output-format html`): what Gradescope shows a student at once.

The output is the public part of feedback.html: it parses as strict HTML, embeds each plot as a data: URI, links
nothing outside itself, shows a hostile submission's text as text, and holds no hidden test's name nor a sentence
only a hidden test says (the per-test entries keep them, with their visibility). Past its size cap the plots give
way to a sentence. Graded through `grade` as Gradescope's run_autograder does, and through the autograder zip
built with the option, unpacked under a folder standing in for /autograder.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE, load_assignment
from autograder.exporters import gradescope
from autograder.exporters.gradescope import HIDDEN_LATER, HTML, MAX_HTML_OUTPUT, PLOTS_TOO_LARGE, results_json
from autograder.grading import list_tests
from autograder.plotdata import REFERENCE as ROLE
from autograder.plotdata import STUDENT, Plot, points
from autograder.report import html
from autograder.report.html import REFERENCE_LATER
from autograder.report.safe import html_text, inert
from cli import EXIT_USAGE, grade
from conftest import PROJECT, SUBMISSIONS
from installs import install_wheel
from submissions.assignment2.mistakes import MISTAKES
from submissions.mutations import with_mistakes
from test_feedback_html import DROPOUT_TESTS, ELEMENTS, HOSTILE, embedded_pngs, sample_report, strict
from test_gradescope_package import TEST_FIELDS, TOP_FIELDS, _check_fields

TESTS = list_tests(load_assignment("assignment2", PROJECT))
HIDDEN = [test for test in TESTS if test.hidden]
REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
OUTPUT_ESCAPES = SUBMISSIONS / "assignment2" / "hostile" / "output_escapes.py"
SCRIPT = "<script>alert('feedback')</script>"
# Each fails a public test, so the public part shows its function's plots.
PUBLIC_MISTAKES = ["l1_sqrt", "dropout_no_rescale"]
MAX_RESULTS_BYTES = 1_000_000


@pytest.fixture
def runner(course, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    return CliRunner()


def graded_as_html(runner, submission, tmp_path, *options) -> dict:
    results = tmp_path / "results.json"
    outcome = runner.invoke(grade, ["assignment2", str(submission), "--results", str(results), "--output-format",
                                    HTML, *options])
    assert outcome.exit_code == 1, outcome.output[-2000:]
    assert results.stat().st_size < MAX_RESULTS_BYTES
    return json.loads(results.read_text())


def assert_public_html(document: dict):
    """The output is strict HTML of our elements, nothing external, no hidden test's name or own sentence."""
    assert document["output_format"] == "html" and document["visibility"] == "visible"
    _check_fields(document, TOP_FIELDS, "results.json")
    for number, test in enumerate(document["tests"], start=1):
        _check_fields(test, TEST_FIELDS, f"test {number}")
    output = document["output"]
    assert len(output) <= MAX_HTML_OUTPUT
    parsed = strict(output, whole=False)
    assert set(parsed.tags) <= ELEMENTS - {"html", "head", "body", "style", "meta", "title"}
    assert not [name for _, name, _ in parsed.attributes if name.startswith("on")]
    links = [value for _, name, value in parsed.attributes if name == "href"]
    assert all(link.startswith("#") and link[1:] in parsed.ids for link in links)  # to its own sections only
    sources = [value for _, name, value in parsed.attributes if name == "src"]
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert "http" not in "".join(value for _, _, value in parsed.attributes) and "url(" not in output
    hidden = [test for test in document["tests"] if test["visibility"] != "visible"]
    assert len(hidden) == len(HIDDEN)
    assert not [test["name"] for test in hidden if html_text(test["name"]) in output]
    public_sentences = {test["output"] for test in document["tests"] if test["visibility"] == "visible"}
    assert not [test["output"] for test in hidden
                if test["output"] and test["output"] not in public_sentences and html_text(test["output"]) in output]
    return parsed


# ---------------------------------------------------------------- results.json, from a report


def test_the_html_output_is_the_public_part_with_its_plots_and_the_hidden_tests_only_counted():
    document = results_json(sample_report(), "after_due_date", HTML)
    parsed = strict(document["output"], whole=False)
    text = "".join(parsed.text)
    assert document["output_format"] == "html"
    assert DROPOUT_TESTS[0] in text and DROPOUT_TESTS[1] not in text and "not scaled" not in text
    assert HIDDEN_LATER["after_due_date"].format(tests="2 hidden tests", points="4 points") in text
    assert len(embedded_pngs(parsed)) == 2
    assert [test["visibility"] for test in document["tests"]] == ["visible", "after_due_date", "visible",
                                                                  "after_due_date"]
    assert results_json(sample_report())["output_format"] == "md"  # Markdown stays the default


def test_every_student_string_is_text_in_the_html_output():
    parsed = strict(results_json(sample_report(hostile=f" {HOSTILE}"), output_format=HTML)["output"], whole=False)
    assert "script" not in parsed.tags and "style" not in parsed.tags
    assert "".join(parsed.text).count(inert(HOSTILE)) >= 4  # the test, its sentence, its mistake, a note...
    assert not [name for _, name, _ in parsed.attributes if name.startswith("on")]


def test_past_the_size_cap_the_plots_give_way_to_a_sentence(monkeypatch):
    report = sample_report()
    full = results_json(report, output_format=HTML)["output"]
    monkeypatch.setattr(gradescope, "MAX_HTML_OUTPUT", len(full) - 1)
    output = results_json(report, output_format=HTML)["output"]
    parsed = strict(output, whole=False)
    assert len(output) < len(full) and "img" not in parsed.tags
    text = " ".join("".join(parsed.text).split())
    reason = PLOTS_TOO_LARGE.format(size=len(full) // 1000, limit=(len(full) - 1) // 1000)
    assert text.count(reason) == 2  # each of the two plots the student would have seen
    assert "dropout(x) returned" in text  # the sentences stay
    assert "Not drawn: dropout(x, 0.9) raised ValueError" in text  # a plot not drawn keeps its own reason


def test_the_html_output_draws_no_reference_series_and_says_so(monkeypatch):
    """The reference's values on a hidden test's inputs are what that test expects: feedback.html may show them,
    the output a student sees before grades are published may not."""
    with_reference = Plot("dropout", "the fraction kept", "p", "kept", series=(
        points("your dropout", [0.1, 0.5], [0.2, 0.6]), points("the reference", [0.1, 0.5], [0.9, 0.5], role=ROLE)))
    drawn = []
    monkeypatch.setattr(html.drawing, "png", lambda plot: drawn.append(plot) or b"\x89PNG")
    page = html.render(sample_report(plots=(with_reference,)))
    assert [series.role for series in drawn[0].series] == [STUDENT, ROLE] and REFERENCE_LATER not in page
    drawn.clear()
    output = results_json(sample_report(plots=(with_reference,)), output_format=HTML)["output"]
    assert [[series.label for series in plot.series] for plot in drawn] == [["your dropout"]]
    assert REFERENCE_LATER in " ".join("".join(strict(output, whole=False).text).split())


# ---------------------------------------------------------------- grade --results --output-format html


def test_grade_writes_the_plots_of_the_functions_failing_a_public_test(runner, tmp_path):
    submission = tmp_path / "regularization.py"
    submission.write_text(with_mistakes(REFERENCE.read_text(), [MISTAKES[name] for name in PUBLIC_MISTAKES]))
    document = graded_as_html(runner, submission, tmp_path)
    parsed = assert_public_html(document)
    images = embedded_pngs(parsed)
    assert len(images) >= 3 and all(data.startswith(b"\x89PNG") for data, _, _ in images)
    text = " ".join("".join(parsed.text).split())
    assert "l1_reg on five seeded models" in text and "dropout: the values of the survivors" in text
    assert "Dropout(p)" not in text and "regularized_loss as lambda1" not in text  # those pass: no plot
    assert 0 < document["score"] == sum(test["score"] for test in document["tests"])


def test_a_hostile_submissions_text_is_escaped_in_the_html_output(runner, tmp_path):
    document = graded_as_html(runner, OUTPUT_ESCAPES, tmp_path)
    parsed = assert_public_html(document)
    output, text = document["output"], "".join(parsed.text)
    assert "script" not in parsed.tags and SCRIPT in text  # dropout's message, shown as written
    assert "[click me](javascript:alert(1))" in text and inert("\x1b[2J\x1b[H") in text
    assert "\x1b" not in output and "\u202e" not in output and "\x9b" not in output
    assert document["score"] == 0


def test_an_unknown_output_format_is_refused_with_a_sentence(runner, tmp_path):
    outcome = runner.invoke(grade, ["assignment2", str(REFERENCE), "--results", str(tmp_path / "r.json"),
                                    "--output-format", "pdf"])
    assert outcome.exit_code == EXIT_USAGE and "'pdf' is not one of 'md', 'html'" in outcome.output
    assert not (tmp_path / "r.json").exists()


# ---------------------------------------------------------------- the Gradescope autograder built with it


@pytest.fixture(scope="module")
def html_package(tmp_path_factory) -> tuple:
    """The zip as `grade gradescope --output-format html` builds it, and the `grade` its setup.sh would install."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("offline wheel builds need setuptools")
    out = tmp_path_factory.mktemp("gradescope-html") / "autograder.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(COURSE_VARIABLE, str(PROJECT))
        built = CliRunner().invoke(grade, ["gradescope", "assignment2", "--out", str(out), "--output-format", HTML])
    assert built.exit_code == 0, built.output
    unpacked = tmp_path_factory.mktemp("wheel")
    with zipfile.ZipFile(out) as archive:
        [wheel] = [name for name in archive.namelist() if name.endswith(".whl")]
        archive.extract(wheel, unpacked)
    return out, install_wheel(unpacked / wheel, tmp_path_factory.mktemp("venv"))


def test_the_gradescope_autograder_writes_html_results_with_plots(html_package, tmp_path):
    package, grade_command = html_package
    root = tmp_path / "autograder"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "source")
        assert "--output-format html" in archive.read("run_autograder").decode()
    for name in ("setup.sh", "run_autograder"):
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "submission" / "regularization.py").write_text(
        with_mistakes(REFERENCE.read_text(), [MISTAKES["dropout_no_rescale"]]))
    environment = {key: value for key, value in os.environ.items() if key not in ("GRADE_COURSE", "PYTHONPATH")}
    finished = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, timeout=300,
                              env={**environment, "AUTOGRADER_ROOT": str(root), "GRADE_COMMAND": str(grade_command)})
    assert finished.returncode == 0, finished.stdout + finished.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    parsed = assert_public_html(document)
    assert embedded_pngs(parsed) and "dropout: the values of the survivors" in " ".join("".join(parsed.text).split())
    assert str(root) not in json.dumps(document)


def test_a_package_with_an_unknown_output_format_is_refused(tmp_path):
    from autograder.shipping import ShippingError
    from autograder.shipping.gradescope_package import BAD_OUTPUT_FORMAT, build_package

    with pytest.raises(ShippingError) as refused:
        build_package(load_assignment("assignment2", PROJECT), tmp_path / "autograder.zip", output_format="pdf")
    assert str(refused.value) == BAD_OUTPUT_FORMAT.format(value="pdf", allowed="md, html")
    assert not (tmp_path / "autograder.zip").exists()

