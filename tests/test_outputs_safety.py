"""What reaches a person is safe to show: student text inert in every output, cut to size, no instructor path.

Hostile submissions (tests/submissions/assignment2/hostile/output_*.py) and hostile file, folder and display
names carry terminal control sequences (cursor moves, an OSC 52 clipboard write, bidi overrides), a forged
Markdown heading, HTML and CSV formulas. They are graded through `grade` and `grade batch` as an instructor
would, and every output is read back as its reader would: the terminal text as is, feedback.md and
summary.md rendered by a Markdown renderer (mistune, which nbconvert brings), summary.html parsed, the CSVs
read by a CSV reader, results.json parsed.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import mistune
import nbformat
import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE, load_assignment
from autograder.feedback import GRADER_FAULT
from autograder.grading import list_tests
from autograder.report import FAILED, Report
from autograder.report import TestResult as Result  # as TestResult, pytest would try to collect it
from autograder.report.safe import (MAX_NAME, MAX_NOTES, MAX_SENTENCE, NOTES_CUT, code, csv_cell, html_text, inert,
                                    markdown, shown)
from autograder.report.text import HIDDEN_UNTIL_PUBLISHED
from cli import EXIT_GRADER, EXIT_USAGE, NO_TEST_RAN, grade
from conftest import PROJECT, SUBMISSIONS

HOSTILE = SUBMISSIONS / "assignment2" / "hostile"
REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"
TESTS = list_tests(load_assignment("assignment2", PROJECT))
PUBLIC, HIDDEN = [t for t in TESTS if not t.hidden], [t for t in TESTS if t.hidden]
# Anything a terminal, a page or a spreadsheet could act on; a newline is allowed only where a format has lines.
ACTIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                    "\ud800-\udfff]")
MAX_RESULTS_BYTES = 1_000_000
MAX_TERMINAL_LINES = 300
# What our own Markdown and HTML are made of; a payload that became markup would add a tag outside these.
MARKDOWN_TAGS = {"h1", "h2", "p", "strong", "em", "code", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
                 "img", "a"}
PAGE_TAGS = MARKDOWN_TAGS | {"html", "head", "meta", "title", "style", "body"}
FEEDBACK_PAGE_TAGS = PAGE_TAGS | {"section", "span", "div", "figure", "figcaption", "meter", "details", "summary"}
# The only links a summary may hold: to a feedback page in one student's own folder, the id percent-encoded.
STUDENT_LINK = re.compile(r"[A-Za-z0-9_.~%-]+/feedback\.(md|html)")
# The payloads of output_escapes.py, as a reader must see them: literally.
SCRIPT = "<script>alert('feedback')</script>"
CLIPBOARD = "\\x1b]52;c;"  # the OSC 52 clipboard write, shown as text
PAYLOADS = ["# Score: 57/57", "- item", "+ item", "= heading", "1. item", "3) item", "> quote", "    indented",
            SCRIPT, "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "![img](http://x/y.png)",
            "`code` ``more``", "**bold** __bold__ *em* _em_", "a | b | c", "&lt;b&gt; &amp;", "~~gone~~ ~x~",
            "$x^2$", "<http://evil.example>", "back\\slash\\", "line\nbreak\r\nand\rreturn", "snake_case_name",
            "\x1b[2J\x1b]52;c;eA==\x07\x9b1m\u202eevil\u2066\x00\ud800"]
FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\x00=1", "=HYPERLINK(\"http://x\")"]


@pytest.fixture
def runner(course, monkeypatch):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    return CliRunner()


# ------------------------------------------------------------------------------------------ each destination

@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_text_renders_as_written_and_makes_no_markup(payload):
    rendered = mistune.html(f"- **name**: {markdown(payload)}\n- {markdown(payload)}\n\n| {markdown(payload)} |\n"
                            f"|---|\n| {markdown(payload)} |\n")
    page = _parse(rendered)
    assert page.tags <= {"ul", "li", "strong", "table", "thead", "tbody", "tr", "th", "td"}, rendered
    expected = " ".join(inert(payload).split())
    assert [" ".join(text.split()) for text in page.texts_of("li")] == ["name: " + expected, expected]
    assert [" ".join(text.split()) for text in page.texts_of("th", "td")] == [expected, expected]


@pytest.mark.parametrize("payload", PAYLOADS + ["`", "``x`", " `a` ", "x" * 50 + "`" * 7])
def test_a_code_span_holds_any_text_whole(payload):
    page = _parse(mistune.html(f"for {code(payload)} here"))
    assert page.tags == {"p", "code"} and page.texts_of("code") == [inert(payload)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_is_only_text(payload):
    page = _parse(f"<p>{html_text(payload)}</p><img alt=\"{html_text(payload)}\">")
    assert page.tags == {"p", "img"} and page.texts_of("p") == [inert(payload)]
    assert page.attributes == [("img", "alt", inert(payload))]


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_csv_cell_never_starts_a_formula(payload):
    cell = csv_cell(payload)
    assert not re.match(r"\s*[=+\-@]", cell) and not ACTIVE.search(cell) and cell.endswith(inert(payload))
    assert csv_cell("Ada Lovelace") == "Ada Lovelace" and csv_cell("57.5") == "57.5"


def test_inert_shows_control_characters_as_escapes_and_joins_lines():
    assert inert("a\x1b[2J\x07\x9b\u202eb\ud800") == "a\\x1b[2J\\x07\\x9b\\u202eb\\ud800"
    assert inert("one\ntwo\r\nthree\rfour\tfive\u2028six") == "one two three four five six"
    assert inert("one\ntwo\r\nthree\r", newlines=True) == "one\ntwo\nthree "


def test_shown_cuts_sentences_notes_and_names_once_and_says_so():
    sentence = "start " + "x" * 5000 + " (regularization.py, line 3)."
    report = Report("assignment2", "t", "n" * 1000 + ".py",
                    (Result("f: test", 0.0, 1.0, FAILED, sentence, False, 1),), notes=tuple(map(str, range(50))))
    once = shown(report)
    assert shown(once) == once
    feedback = once.results[0].feedback
    assert len(feedback) <= MAX_SENTENCE and feedback.startswith("start ") and feedback.endswith("line 3).")
    assert "characters cut ...]" in feedback and len(once.submission) <= MAX_NAME
    assert once.notes == (*map(str, range(MAX_NOTES - 1)), NOTES_CUT.format(count=50 - MAX_NOTES + 1))


# ------------------------------------------------------------------------------------------ `grade`

def test_grade_shows_every_payload_inert_on_the_terminal_and_in_every_file(runner, tmp_path):
    folder = tmp_path / "feedback"
    result = runner.invoke(grade, ["assignment2", str(HOSTILE / "output_escapes.py"), "--feedback", str(folder)])
    assert result.exit_code == 1, result.output
    _assert_plain(result.output, "the terminal", newlines=True)
    assert CLIPBOARD in result.output and "\\u202eevil" in result.output  # shown, not silently dropped
    assert [line for line in result.output.splitlines() if line.startswith(("Total:", "Public tests:"))] == \
        [f"Total: 0/{sum(t.max_score for t in TESTS):g}"]  # the forged "Total: 57/57" stays inside its sentence
    feedback = _assert_markdown_safe(folder / "feedback.md")
    assert SCRIPT in feedback.text and "# Score: 57/57" in feedback.text
    assert feedback.texts_of("h1") == ["assignment2: Regularization: L1 and L2 penalties, inverted dropout"]
    _assert_results_safe(folder / "results.json")


def test_an_exception_type_named_with_control_characters_is_inert(runner, tmp_path):
    results = tmp_path / "results.json"
    runner.invoke(grade, ["assignment2", str(HOSTILE / "output_escapes.py"), "--results", str(results)])
    document = _assert_results_safe(results)
    loss = [test["output"] for test in document["tests"] if test["name"].startswith("regularized_loss")]
    assert loss and all("raised Error\\x1b[2J" in sentence for sentence in loss), loss


def test_terminal_and_results_json_stay_small_whatever_the_submission_raises(runner, tmp_path):
    notebook = tmp_path / "regularization.ipynb"
    noise = [nbformat.v4.new_code_cell(f"class Noise{n}:\n    raise ValueError('\\x1b[2J\\n# Score 57/57\\n' + "
                                       f"'x' * 1500)") for n in range(3000)]
    loud = "def l1_reg(model):\n    raise ValueError('\\n'.join(['\\x1b[1A# Total: 57/57'] * 400))"
    cells = [nbformat.v4.new_code_cell(REFERENCE.read_text()), nbformat.v4.new_code_cell(loud), *noise]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    folder = tmp_path / "feedback"
    result = runner.invoke(grade, ["assignment2", str(notebook), "--feedback", str(folder)])
    assert result.exit_code == 1, result.output[-2000:]
    assert len(result.output.splitlines()) < MAX_TERMINAL_LINES
    cut = re.search(NOTES_CUT.replace("{count}", r"\d+").replace(".", r"\."), result.output)
    assert cut and "characters cut ...]" in result.output
    _assert_plain(result.output, "the terminal", newlines=True)
    assert (folder / "results.json").stat().st_size < MAX_RESULTS_BYTES
    assert cut.group(0) in _assert_results_safe(folder / "results.json")["output"]
    assert (folder / "feedback.md").stat().st_size < MAX_RESULTS_BYTES
    _assert_markdown_safe(folder / "feedback.md")


def test_results_json_output_shows_the_public_tests_and_only_counts_the_hidden(runner, tmp_path):
    results = tmp_path / "results.json"
    runner.invoke(grade, ["assignment2", str(SUBMISSIONS / "assignment2/partial.py"), "--results", str(results)])
    document = json.loads(results.read_text())
    hidden = [test for test in document["tests"] if test["visibility"] == "after_published"]
    public = [test for test in document["tests"] if test["visibility"] == "visible"]
    assert len(hidden) == len(HIDDEN) and len(public) == len(PUBLIC)
    assert not [test["name"] for test in hidden if test["name"] in document["output"]]
    public_sentences = {test["output"] for test in public}
    assert not [test["output"] for test in hidden
                if test["output"] not in public_sentences and test["output"] in document["output"]]
    assert all(markdown(test["name"])[:60] in document["output"] for test in public)
    assert HIDDEN_UNTIL_PUBLISHED.format(tests=f"{len(HIDDEN)} hidden tests",
                                         points=f"{sum(t.max_score for t in HIDDEN):g} points") in document["output"]
    assert document["score"] == sum(test["score"] for test in document["tests"])  # the LMS still gets it all


def test_no_submission_found_exits_2_and_still_writes_each_test_at_zero(runner, tmp_path):
    folder = tmp_path / "instructors" / "secret-place" / "submission"
    folder.mkdir(parents=True)
    (folder / "regularisation.py").write_text(REFERENCE.read_text())
    out = tmp_path / "out"
    result = runner.invoke(grade, ["assignment2", str(folder), "--feedback", str(out)])
    assert result.exit_code == EXIT_USAGE
    document = json.loads((out / "results.json").read_text())
    assert len(document["tests"]) == len(TESTS) and document["score"] == 0
    sentences = {test["output"] for test in document["tests"]}
    assert len(sentences) == 1 and "regularisation.py" in sentences.pop()
    for text in ((out / "results.json").read_text(), (out / "feedback.md").read_text()):
        assert "secret-place" not in text and str(tmp_path) not in text


def test_a_grader_error_exits_3_and_still_lists_the_tests_at_zero(course, tmp_path):
    broken = tmp_path / "course"
    shutil.copytree(course, broken)
    (broken / "reference" / "assignment2" / "test_regularization.py").write_text("def test_(:\n")
    results = tmp_path / "results.json"
    # A process of its own: this one has imported the intact hidden tests under the same module name.
    result = subprocess.run([sys.executable, str(PROJECT / "cli.py"), "assignment2", str(REFERENCE), "--results",
                             str(results)], env={**os.environ, COURSE_VARIABLE: str(broken)}, capture_output=True,
                            text=True)
    assert result.returncode == EXIT_GRADER, result.stderr
    assert "could not be collected" in result.stderr  # the instructor's detail, on the terminal only
    document = json.loads(results.read_text())
    assert len(document["tests"]) == len(PUBLIC) and document["score"] == 0  # the public tests: the hidden broke
    assert {test["output"] for test in document["tests"]} == {GRADER_FAULT.format(error=NO_TEST_RAN)}
    assert str(broken) not in results.read_text() and "test_regularization.py" not in results.read_text()


def test_an_unknown_assignment_still_writes_results_json_with_the_reason(runner, tmp_path):
    results = tmp_path / "results.json"
    result = runner.invoke(grade, ["assignment9", str(REFERENCE), "--results", str(results)])
    assert result.exit_code == EXIT_USAGE
    document = json.loads(results.read_text())
    assert document["tests"] == [] and "Unknown assignment 'assignment9'" in document["output"]


def test_a_file_that_cannot_load_lists_each_test_at_zero_with_the_reason(runner, tmp_path):
    broken = tmp_path / "regularization.py"
    broken.write_text("def l1_reg(model:\n    return 0\n")
    results = tmp_path / "results.json"
    assert runner.invoke(grade, ["assignment2", str(broken), "--results", str(results)]).exit_code == 1
    document = json.loads(results.read_text())
    assert len(document["tests"]) == len(TESTS) and document["score"] == 0
    assert {test["output"] for test in document["tests"]} == {"regularization.py does not parse (line 1: '(' was "
                                                              "never closed)."}


def test_student_visible_output_names_the_file_not_the_instructors_folders(runner, tmp_path):
    submission = tmp_path / "instructors" / "secret-place" / "regularization.py"
    submission.parent.mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "assignment2" / "partial.py", submission)
    out = tmp_path / "out"
    result = runner.invoke(grade, ["assignment2", str(submission), "--feedback", str(out)])
    assert "Graded regularization.py in " in result.output
    assert "for `regularization.py`" in (out / "feedback.md").read_text()
    for text in (result.output, (out / "feedback.md").read_text(), (out / "results.json").read_text()):
        assert "secret-place" not in text and str(tmp_path) not in text


# ------------------------------------------------------------------------------------------ `grade batch`

# Names students choose (folder, file and Canvas display names); Linux allows all of these in a file name.
HOSTILE_FOLDER = "=HYPERLINK(\"evil.example\")\u202e#1"
HOSTILE_FILE = "@SUM(1+1)\x9b2J"
HOSTILE_CANVAS = "=cmd\x1b]52;c;eA==\x07 # Score 57"
HOSTILE_EMPTY = "-2+3\n# Score: 57 of 57\n<img src=x onerror=alert(1)>"


def test_batch_shows_every_payload_inert_in_every_file_and_on_the_terminal(runner, tmp_path):
    upload = tmp_path / "upload"
    hostile = (HOSTILE / "output_escapes.py").read_text()
    files = {f"{HOSTILE_FOLDER}/regularization.py": hostile, f"{HOSTILE_FILE}.py": hostile,
             f"{HOSTILE_CANVAS}_4242_99_regularization.py": hostile, f"{HOSTILE_EMPTY}/notes.txt": "later",
             "ada.py": REFERENCE.read_text()}
    for name, text in files.items():
        (upload / name).parent.mkdir(parents=True, exist_ok=True)
        (upload / name).write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(grade, ["batch", "assignment2", str(upload), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    _assert_plain(result.output, "the terminal", newlines=True)
    students = sorted(path.parent.name for path in out.glob("*/grade.json"))
    assert len(students) == 5
    for student in students:
        _assert_markdown_safe(out / student / "feedback.md")
        _assert_results_safe(out / student / "results.json")
        feedback = (out / student / "feedback.html").read_text()
        _assert_plain(feedback, "feedback.html", newlines=True)
        assert _parse(feedback).tags <= FEEDBACK_PAGE_TAGS
    summary = _assert_markdown_safe(out / "summary.md")
    assert any(HOSTILE_EMPTY.replace("\n", " ") in text for text in summary.texts_of("li"))  # shown, as text
    page = _parse((out / "summary.html").read_text())
    assert page.tags <= PAGE_TAGS and all(value.startswith("data:image/png;base64,")
                                          for tag, name, value in page.attributes if name == "src")
    links = [value for tag, name, value in page.attributes if name == "href"]
    assert len(links) == 5 and all(STUDENT_LINK.fullmatch(link) for link in links), links
    _assert_plain((out / "summary.html").read_text(), "summary.html", newlines=True)
    for name in ("grades.csv", "grades_canvas.csv"):
        _assert_csv_safe(out / name)
    canvas = list(csv.reader((out / "grades_canvas.csv").open(newline="")))
    assert ["'" + inert(HOSTILE_CANVAS), "4242"] in [row[:2] for row in canvas]


def test_a_refused_upload_names_its_member_inertly(runner, tmp_path):
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("ada.py", REFERENCE.read_text())
        bundle.writestr("../\x1b]52;c;eA==\x07\x1b[2J.py", "")
    result = runner.invoke(grade, ["batch", "assignment2", str(archive), "--out", str(tmp_path / "out")])
    assert result.exit_code == EXIT_USAGE
    _assert_plain(result.output, "the terminal", newlines=True)
    assert "../\\x1b]52;c;eA==\\x07\\x1b[2J.py" in result.output


def test_batch_outputs_never_name_the_unpacking_folder_or_the_upload(runner, tmp_path):
    upload = tmp_path / "instructors-only"
    upload.mkdir()
    shutil.copy(SUBMISSIONS / "assignment2" / "partial.py", upload / "ada.py")
    (upload / "bob").mkdir()
    (upload / "bob" / "notes.txt").write_text("later")
    archive = shutil.make_archive(str(tmp_path / "upload"), "zip", upload)
    out = tmp_path / "out"
    assert runner.invoke(grade, ["batch", "assignment2", archive, "--out", str(out)]).exit_code == 0
    for path in [*out.glob("*/results.json"), *out.glob("*/feedback.md")]:
        text = path.read_text()
        assert "grade-batch-" not in text and str(tmp_path) not in text and "instructors-only" not in text, path
    assert "for `ada.py`" in json.loads((out / "ada" / "results.json").read_text())["output"].splitlines()[2]


# ------------------------------------------------------------------------------------------ readers

class _Page(HTMLParser):
    """The tags, attributes and texts of an HTML page, as a browser would build them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.texts, self._open = set(), [], [], []
        self.text = ""  # everything a reader sees, in order

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in ("img", "meta"):
            self._open.append([tag, ""])

    def handle_endtag(self, tag):
        while self._open:
            name, text = self._open.pop()
            for outer in self._open:
                outer[1] += text
            self.texts.append((name, text))
            if name == tag:
                break

    def handle_data(self, data):
        self.text += data
        if self._open:
            self._open[-1][1] += data

    def texts_of(self, *tags) -> list[str]:
        return [text for name, text in self.texts if name in tags]


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _assert_plain(text: str, where: str, newlines: bool = False) -> None:
    found = ACTIVE.search(text if not newlines else text.replace("\n", " "))
    assert found is None, f"{where} holds {found[0]!r} in {text[max(found.start() - 60, 0):found.end() + 60]!r}"


def _assert_markdown_safe(path: Path) -> _Page:
    """Render a Markdown file as a viewer would; its payloads must stay text, its own markup the only markup."""
    text = path.read_text()
    _assert_plain(text, str(path), newlines=True)
    page = _parse(mistune.html(text))
    assert page.tags <= MARKDOWN_TAGS, (path, page.tags - MARKDOWN_TAGS)
    assert len(page.texts_of("h1")) == 1, (path, page.texts_of("h1"))
    assert all(value.startswith("summary_files/") for tag, name, value in page.attributes if name == "src")
    assert all(STUDENT_LINK.fullmatch(value) for tag, name, value in page.attributes if name == "href"), path
    return page


def _assert_results_safe(path: Path) -> dict:
    """Read results.json as an LMS would: small, and every string plain text."""
    assert path.stat().st_size < MAX_RESULTS_BYTES
    document = json.loads(path.read_text())
    _assert_plain(document["output"], f"{path} output", newlines=True)
    for test in document["tests"]:
        _assert_plain(test["name"], f"{path} test name")
        _assert_plain(test["output"], f"{path} test output")
    return document


def _assert_csv_safe(path: Path) -> None:
    _assert_plain(path.read_text(), str(path), newlines=True)
    with path.open(newline="") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    assert not [cell for cell in cells if re.match(r"\s*[=+\-@]", cell)], path
