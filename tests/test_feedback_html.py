"""feedback.html and the plots in it, from reports built by hand (no sandbox): the page is strict HTML5, embeds
every image and links nothing outside itself, shows every student-controlled string as text, and each figure
holds exactly the numbers of its plot, read back from the figure's artists. Also the class summary's table of
students and the legends of its charts, and grades.csv's status column.
"""
import base64
import csv
import dataclasses
import html
import json
import math
import re
import shutil
import struct
from html.parser import HTMLParser

import numpy as np
import pytest
import torch

from autograder.assignments import GradingError, list_assignments, load_assignment
from autograder.checks.plots import PLOTS_FILE, Declaration, declarations, draw, number, numbers
from autograder.feedback import GRADER_FAULT, StudentFault
from autograder.grading import TestSuite

from autograder.exporters.grades import write_grades_csv
from autograder.exporters.summary import (PASSING_FEW, PASSING_MOST, histogram_figure, pass_rates_figure,
                                          write_summary)
from autograder.plotdata import (EXPECTED, REFERENCE, STUDENT, Plot, Series, band, bars, histogram, line, path,
                                 points, surface, values)
from autograder.report import ERROR, FAILED, GRADED, NOT_GRADED, PASSED, Report
from autograder.report import TestResult as Result  # as TestResult, pytest would try to collect it
from autograder.report import html as feedback_page
from autograder.report import plots as drawing
from autograder.report.safe import inert
from autograder.report.text import HIDDEN_UNTIL_PUBLISHED
from conftest import PROJECT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPT = "<script>alert('feedback')</script>"
PAYLOADS = [SCRIPT, "<img src=x onerror=alert(1)>", "\" onmouseover=\"alert(1)", "</figcaption></figure><b>x",
            "<!-- open comment", "&lt;b&gt; &amp;", "<style>body{background:url(http://evil.example/x)}</style>",
            "\x1b[2J\x1b]52;c;eA==\x07\u202eevil\x00"]
HOSTILE = " ".join(PAYLOADS)
# Elements the page may use, and those whose content is phrasing only (no block may open inside them).
ELEMENTS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "code", "table", "thead",
            "tbody", "tr", "th", "td", "ul", "li", "img", "a", "section", "span", "div", "figure", "figcaption",
            "meter", "details", "summary"}
VOID = {"meta", "img"}
PHRASING_ONLY = {"p", "h1", "h2", "span", "strong", "code", "a", "title", "summary"}
PHRASING = {"span", "strong", "code", "a", "img", "meter"}
DROPOUT_TESTS = ("dropout: zeroes a fraction p", "dropout: scales the survivors by 1/(1-p)")


class StrictPage(HTMLParser):
    """The stdlib parser with HTML5's rules enforced instead of repaired: a doctype first, known elements only,
    every element closed in order (void ones never), no block inside phrasing content, unique ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doctype, self.open, self.ids, self.problems = None, [], [], []
        self.tags, self.attributes, self.text = [], [], []

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self.ids += [value for name, value in attrs if name == "id"]
        if tag not in ELEMENTS:
            self.problems.append(f"unknown element <{tag}>")
        if self.open and self.open[-1] in PHRASING_ONLY and tag not in PHRASING:
            self.problems.append(f"<{tag}> inside <{self.open[-1]}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID or not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> where {self.open[-1:] or 'nothing'} is open")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.problems.append("a comment")


def strict(page: str, whole: bool = True) -> StrictPage:
    parser = StrictPage()
    parser.feed(page)
    parser.close()
    problems = parser.problems + [f"{tag} left open" for tag in parser.open]
    if whole:
        problems += [] if parser.doctype == "DOCTYPE html" else [f"doctype {parser.doctype!r}"]
    problems += [f"duplicate id {name}" for name in set(parser.ids) if parser.ids.count(name) > 1]
    assert problems == [], problems
    return parser


def embedded_pngs(parsed: StrictPage) -> list[tuple[bytes, str, str]]:
    """Each <img>'s decoded PNG with its width and height attributes."""
    images = []
    for tag, name, value in parsed.attributes:
        if name == "src":
            assert tag == "img" and value.startswith("data:image/png;base64,"), value[:60]
            images.append(base64.b64decode(value.removeprefix("data:image/png;base64,"), validate=True))
    widths = [value for tag, name, value in parsed.attributes if tag == "img" and name == "width"]
    heights = [value for tag, name, value in parsed.attributes if tag == "img" and name == "height"]
    assert len(widths) == len(heights) == len(images)
    return list(zip(images, widths, heights))


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def result(name, status=PASSED, hidden=False, number=1, feedback="", mistake=None, points=2.0) -> Result:
    return Result(name, points if status == PASSED else 0.0, points, status, feedback, hidden, number, mistake)


def dropout_plots() -> tuple[Plot, ...]:
    """One drawn plot of every kind of series, one with a surface, and one that could not be drawn."""
    grid = np.linspace(0, 1, 11)
    return (
        Plot("dropout", "the fraction kept", "p", "kept", series=(
            band("band", grid, 0.9 - grid, 1.1 - grid), line("expected: 1 - p", grid, 1 - grid, role=EXPECTED),
            points("your dropout", [0.1, 0.5, 0.9], [0.1, 0.5, 0.9]))),
        Plot("dropout", "the survivors", "value", "elements", series=(
            histogram("your survivors", [0, 1, 2, 3], [5, 0, 2]),
            histogram("expected", [0, 1, 2, 3], [0, 3, 4], role=EXPECTED))),
        Plot("dropout", "not drawn", problem=f"dropout(x, 0.9) raised ValueError: {HOSTILE}"),
    )


def sample_report(plots=None, hostile: str = "") -> Report:
    """A report of two functions, dropout failing a public and a hidden test, l1_reg passing, with plots."""
    results = (
        result(f"{DROPOUT_TESTS[0]}{hostile}", FAILED, mistake=f"keeps p{hostile}",
               feedback=f"dropout(x) returned {hostile}. This looks like a known mistake: keeps p{hostile}."),
        result(DROPOUT_TESTS[1], FAILED, hidden=True, number=2, mistake=f"keeps p{hostile}",
               feedback=f"the survivors were not scaled. This looks like a known mistake: keeps p{hostile}."),
        result("l1_reg: sums |p|", PASSED, number=3),
        result("l1_reg: hidden property", PASSED, hidden=True, number=4),
    )
    return Report("assignment2", f"Regularization{hostile}", f"regularization{hostile}.py", results,
                  notes=(f"cell 3 was skipped{hostile}",), layers=(f"landlock{hostile}",), duration=1.25,
                  plots=dropout_plots() if plots is None else plots)


# ------------------------------------------------------------------------------------------ the page


@pytest.mark.parametrize("broken", [
    "<p>no doctype</p>", "<!DOCTYPE html><p><div>a block in a paragraph</div></p>", "<!DOCTYPE html><p>open",
    "<!DOCTYPE html><b>unknown</b>", "<!DOCTYPE html><img src=x></img>", "<!DOCTYPE html><p></span></p>",
    '<!DOCTYPE html><section id="a"></section><section id="a"></section>', "<!DOCTYPE html><br/>",
])
def test_the_strict_reading_refuses_what_a_browser_would_repair(broken):
    with pytest.raises(AssertionError):
        strict(broken)


def test_the_page_is_strict_html5_with_every_plot_embedded_at_its_size():
    report = sample_report()
    parsed = strict(feedback_page.render(report))
    images = embedded_pngs(parsed)
    drawn = [plot for plot in report.plots if plot.drawn]
    assert len(images) == len(drawn) == 2
    for (data, width, height), plot in zip(images, drawn):
        assert png_size(data) == drawing.pixels(plot) == (int(width), int(height))
    text = "".join(parsed.text)
    assert "Score: 4 / 8" in text and "Not drawn: dropout(x, 0.9) raised ValueError" in text


def test_the_page_links_nothing_outside_itself():
    page = feedback_page.render(sample_report(hostile=" http://evil.example/x.png"))
    parsed = strict(page)
    links = [value for tag, name, value in parsed.attributes if name == "href"]
    assert links and all(link.startswith("#") and link[1:] in parsed.ids for link in links)
    assert {tag for tag, name, value in parsed.attributes if name == "src"} == {"img"}
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(parsed.tags)
    style = page[page.index("<style>"):page.index("</style>")]
    assert "url(" not in style and "@import" not in style and "http" not in style
    assert not [value for tag, name, value in parsed.attributes if "http" in value or "url(" in value]
    assert "http://evil.example/x.png" in "".join(parsed.text)  # the student's text, shown as text only


@pytest.mark.parametrize("render", [feedback_page.render, feedback_page.render_public])
def test_every_student_string_is_text_on_the_page(render):
    report = sample_report(hostile=f" {HOSTILE}")
    page = render(report)
    parsed = strict(page, whole=render is feedback_page.render)
    assert set(parsed.tags) <= ELEMENTS and "script" not in parsed.tags
    text = "".join(parsed.text)
    shown = inert(HOSTILE)
    for where in (report.submission, report.results[0].name, report.results[0].feedback, report.notes[0],
                  report.results[0].mistake):
        assert inert(where).replace(HOSTILE, shown)[:60] in text
    assert text.count(shown) >= 5  # name, sentence, mistake, note, the plot's reason
    assert "\x1b" not in page and "\u202e" not in page and "\x00" not in page
    assert not [value for tag, name, value in parsed.attributes if name.startswith("on")]


def test_plot_text_is_escaped_in_titles_notes_and_alt_text():
    plot = Plot("dropout", f"title {SCRIPT}", "x", "y", series=(line(f"label {SCRIPT}", [0, 1], [0, 1]),),
                note=f"note {SCRIPT}")
    parsed = strict(feedback_page.render(sample_report(plots=(plot,))))
    assert "script" not in parsed.tags
    assert f"title {SCRIPT}" in [value for tag, name, value in parsed.attributes if name == "alt"]
    assert f"note {SCRIPT}" in "".join(parsed.text)


def test_the_public_part_keeps_hidden_tests_out_and_only_counts_them():
    report = sample_report()
    parsed = strict(feedback_page.render_public(report), whole=False)
    text = "".join(parsed.text)
    assert DROPOUT_TESTS[0] in text and "l1_reg: sums |p|" in text
    assert DROPOUT_TESTS[1] not in text and "not scaled" not in text and "hidden property" not in text
    assert HIDDEN_UNTIL_PUBLISHED.format(tests="2 hidden tests", points="4 points") in text
    assert "Public tests: 2 / 4" in text
    assert not {"html", "head", "body", "style"} & set(parsed.tags)  # a fragment for an LMS's own page
    assert len(embedded_pngs(parsed)) == 2


def test_the_public_part_leaves_out_plots_of_a_function_failing_only_hidden_tests():
    plot = Plot("l1_reg", "penalties", series=(bars("your l1_reg", [1.0, 2.0]),), categories=("a", "b"))
    report = sample_report(plots=(plot,))
    hidden_failure = dataclasses.replace(report.results[3], status=FAILED, score=0.0, feedback="wrong")
    report = dataclasses.replace(report, results=report.results[:3] + (hidden_failure,))
    assert "penalties" not in feedback_page.render_public(report)
    assert "penalties" in feedback_page.render(report)  # the instructor's page shows it


def test_a_function_that_passed_everything_is_folded_and_mistakes_are_listed_once():
    report = sample_report()
    parsed = strict(feedback_page.render(report))
    assert parsed.tags.count("details") == 1  # l1_reg, all passed
    text = "".join(parsed.text)
    assert text.count("keeps p") == 3  # in each failing test's sentence, and once in the list of mistakes
    assert text.count("dropout: keeps p") == 1
    assert "Passed: all 2 tests." in text


def test_a_plot_the_grader_cannot_draw_leaves_the_rest_of_the_page_whole():
    odd = Plot("dropout", "a kind nobody draws", series=(Series("yours", "pie", STUDENT, (0.0,), (1.0,)),))
    parsed = strict(feedback_page.render(sample_report(plots=(odd, *dropout_plots()[:1]))))
    assert len(embedded_pngs(parsed)) == 1
    assert "Not drawn: " + GRADER_FAULT.format(error="KeyError: 'pie'") in "".join(parsed.text)


def test_a_submission_that_could_not_be_graded_says_so_at_the_top():
    sentence = "regularization.py could not be loaded: SyntaxError."
    report = Report.ungraded("assignment2", "Regularization", "regularization.py",
                             [result("dropout: a", FAILED), result("dropout: b", FAILED, number=2)], sentence)
    text = "".join(strict(feedback_page.render(report)).text)
    assert feedback_page.NOT_GRADED.format(reason=sentence) in text


# ------------------------------------------------------------------------------------------ the figures


def plotted(figure) -> dict[str, dict]:
    """What each labelled artist of a figure draws, by label, read from the artists themselves."""
    axes = figure.axes[0]
    found = {}
    for drawn in axes.lines:
        if not drawn.get_label().startswith("_"):
            found[drawn.get_label()] = {"xy": np.asarray(drawn.get_xydata(), dtype=float)}
    for collection in axes.collections:
        label = collection.get_label()
        if type(collection).__name__ == "PathCollection":
            found[label] = {"xy": np.asarray(collection.get_offsets(), dtype=float)}
        elif not label.startswith("_"):  # a band: the polygon between its two edges
            found[label] = {"vertices": np.concatenate([p.vertices for p in collection.get_paths()])}
    for container in axes.containers:
        found[container.get_label()] = {"heights": [bar.get_height() for bar in container],
                                        "centers": [bar.get_x() + bar.get_width() / 2 for bar in container]}
    for patch in axes.patches:
        if type(patch).__name__ == "StepPatch":
            counts, edges, _ = patch.get_data()
            found[patch.get_label()] = {"counts": np.asarray(counts), "edges": np.asarray(edges)}
    return found


def assert_shows(plot: Plot, figure) -> None:
    """Every series of `plot` is in `figure` with exactly its numbers, and the legend names each of them."""
    found = plotted(figure)
    for series in plot.series:
        drawn = found[series.label]
        if series.kind in ("line", "points", "path"):
            np.testing.assert_array_equal(drawn["xy"], np.column_stack([series.x, series.y]))
        elif series.kind == "band":
            corners = {tuple(v) for v in np.round(drawn["vertices"], 9)}
            assert {(x, y) for x, low, high in zip(series.x, series.y, series.upper) for y in (low, high)} <= corners
        elif series.kind == "bars":
            assert drawn["heights"] == list(series.y)
            assert np.allclose(np.round(drawn["centers"]), series.x)
        else:
            np.testing.assert_array_equal(drawn["counts"], series.y)
            np.testing.assert_array_equal(drawn["edges"], series.x)
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    assert legend == [*([plot.surface.label] if plot.surface else []), *(s.label for s in plot.series)]


def test_each_kind_of_series_is_drawn_with_its_own_numbers():
    grid = np.linspace(-1, 1, 5)
    plots = [*dropout_plots()[:2],
             Plot("l1_reg", "bars", series=(bars("yours", [3.0, 1.5, 2.0]), bars("theirs", [3, 2, 1], role=REFERENCE)),
                  categories=("Linear(20, 20)", "Conv2d(3, 4, 3)", "Linear(6, 2), no bias")),
             Plot("sgd_step", "paths", "theta[0]", "theta[1]",
                  surface=surface("f", grid, grid, [[x * x + 10 * y * y for x in grid] for y in grid]),
                  series=(path("yours", [(-1, 1), (-0.5, 0.2), (0, 0)]),
                          path("torch", [(-1, 1), (0, 0.5)], role=EXPECTED)))]
    for plot in plots:
        assert_shows(plot, drawing.figure(plot))


def test_a_surface_is_drawn_as_contours_that_fix_the_frame():
    grid = np.linspace(-2, 2, 9)
    plot = Plot("sgd_step", "far away", surface=surface("f", grid, grid * 2, [[x * x + y * y for x in grid]
                                                                                for y in grid * 2]),
                series=(path("yours", [(0, 0), (1e6, -1e6)]),))
    axes = drawing.figure(plot).axes[0]
    assert axes.get_xlim() == (-2, 2) and axes.get_ylim() == (-4, 4)  # the far point leaves the frame
    contours = [c for c in axes.collections if type(c).__name__ == "QuadContourSet"]
    assert len(contours) == 1 and 0 < min(contours[0].levels) < max(contours[0].levels) < 32


def test_values_that_cannot_be_drawn_are_said_in_the_caption():
    records = line("your loss_records", range(4), [1.0, math.inf, math.nan, 0.0])
    assert records.y[1] != records.y[1]  # inf is kept as NaN: a gap
    plot = Plot("DeepNarrowLNN", "records", log_y=True, series=(records, line("theirs", range(4), [1, 1, 1, 1],
                                                                                role=REFERENCE)))
    assert drawing.caveats(plot) == [drawing.NOT_FINITE.format(count=2, label="your loss_records"),
                                     drawing.NOT_POSITIVE.format(count=1, label="your loss_records")]
    assert drawing.figure(plot).axes[0].get_xlim()[1] >= 3  # records NaN after a stop keep the whole x range
    caption = "".join(strict(feedback_page.render(sample_report(plots=(plot,)))).text)
    assert drawing.NOT_FINITE.format(count=2, label="your loss_records") in caption


def test_plot_numbers_keep_seven_digits_and_a_series_has_a_size_limit():
    assert values(np.array([1 / 3, 123456789.0, -2e-12])) == (0.3333333, 123456800.0, -2e-12)
    with pytest.raises(ValueError):
        values(range(20_001))
    with pytest.raises(ValueError):
        histogram("h", [0, 1], [1, 2])


def test_a_report_with_plots_round_trips_through_json():
    report = sample_report(plots=(*dropout_plots(), Plot(
        "sgd_step", "paths", surface=surface("f", [0, 1], [0, 1], [[0, 1], [1, math.nan]]),
        series=(path("yours", [(0, 0), (math.nan, 1)]),))))
    stored = json.loads(json.dumps(report.to_dict()))
    rebuilt = Report.from_dict(stored)
    assert json.dumps(rebuilt.to_dict()) == json.dumps(report.to_dict())
    assert rebuilt.plots[3].surface.z[1] == (1.0, rebuilt.plots[3].surface.z[1][1])
    assert isinstance(rebuilt.plots[0].series, tuple) and rebuilt.plots[2].problem == report.plots[2].problem
    old = {key: value for key, value in stored.items() if key != "plots"}  # a grade.json from before plots
    assert Report.from_dict(old).plots == ()


# ------------------------------------------------------------------------------------------ a class's files


@pytest.fixture
def graded():
    not_loaded = "regularization.py could not be loaded: NameError."
    return [
        ("ada", sample_report()),
        ("=cmd|' /C calc'!A0", sample_report()),
        ("../bob#1?x=<b>", Report.ungraded("assignment2", "Regularization", "x.py",
                                           [result("dropout: a", FAILED), result("dropout: b", FAILED, number=2)],
                                           not_loaded)),
        ("eve", Report("assignment2", "Regularization", "x.py", (result("dropout: a", ERROR, feedback="boom"),))),
    ]


def test_grades_csv_says_whether_each_student_was_graded(graded, tmp_path):
    endless = Report.ungraded("assignment2", "Regularization", "x.py", [result("dropout: a", FAILED)] * 2,
                              "=cmd\x1b[2J " + "x" * 5000)
    write_grades_csv([*graded, ("zed", endless)], tmp_path / "grades.csv")
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(newline="")))
    assert [row["status"] for row in rows[:4]] == [
        GRADED, GRADED, NOT_GRADED.format(reason="regularization.py could not be loaded: NameError."),
        NOT_GRADED.format(reason="boom")]
    assert rows[4]["status"].startswith("could not be graded: =cmd\\x1b[2J xxx") and len(rows[4]["status"]) < 700


def test_the_summary_lists_each_student_with_score_status_and_a_link_to_their_page(graded, tmp_path):
    markdown_path, page_path = write_summary(graded, "Regularization", tmp_path)
    parsed = strict(page_path.read_text())
    links = [value for tag, name, value in parsed.attributes if name == "href"]
    assert links == ["ada/feedback.html", "%3Dcmd%7C%27%20%2FC%20calc%27%21A0/feedback.html",
                     "..%2Fbob%231%3Fx%3D%3Cb%3E/feedback.html", "eve/feedback.html"]
    text = "".join(parsed.text)
    assert "4 / 8" in text and "could not be graded: boom" in text and "=cmd|' /C calc'!A0" in text
    assert "[feedback](ada/feedback.md)" in markdown_path.read_text()
    assert html.escape("../bob#1?x=<b>") in page_path.read_text()


def test_the_summary_charts_have_legends(graded):
    legend = histogram_figure(graded).axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["submissions", "mean 2", "median 2"]
    rates = pass_rates_figure([("dropout: a", 3, 4), ("dropout: b", 1, 4)]).axes[0]
    assert [text.get_text() for text in rates.get_legend().get_texts()] == [PASSING_MOST, PASSING_FEW]
    assert [bar.get_facecolor() for bar in rates.containers[0]][0] != rates.containers[0][1].get_facecolor()


# ------------------------------------------------------------------------------------------ declaring plots


def test_every_assignment_declares_plots_of_its_graded_names_only():
    for assignment in list_assignments(PROJECT):
        found = declarations(assignment.public_dir / PLOTS_FILE, assignment.functions)
        assert {function for declaration in found for function in declaration.functions} == set(
            assignment.functions), assignment.name


@pytest.mark.parametrize("declared, problem", [
    ('@shows("dropout", title="t")\ndef plot(student, solution):\n    pass\n', "takes 'solution'"),
    ('@shows("dropot", title="t")\ndef plot(student):\n    pass\n', "shows 'dropot', which is not a graded name"),
    ("import no_such_module\n", "No module named 'no_such_module'"),
])
def test_a_broken_plots_file_stops_grading_with_a_sentence_saying_why(tmp_path, declared, problem):
    folder = tmp_path / "assignments" / "assignment2"
    shutil.copytree(PROJECT / "assignments" / "assignment2", folder)
    (folder / PLOTS_FILE).write_text(f"from autograder.checks.plots import shows\n{declared}")
    suite = TestSuite(load_assignment("assignment2", tmp_path), include_hidden=False)
    with pytest.raises(GradingError, match=re.escape(problem)):
        suite.plot_declarations  # noqa: B018


def test_a_declaration_gets_its_title_and_function_and_a_fault_of_its_own_reads_as_the_grader_s():
    def two_plots(function):
        return [Plot(series=(line("yours", [0, 1], [0, 1]),)), Plot(title="its own title")]
    made = draw(Declaration(("dropout",), "{function}: kept", two_plots, ("function",)), "dropout", None, None)
    assert [(plot.function, plot.title) for plot in made] == [("dropout", "dropout: kept"),
                                                              ("dropout", "its own title")]

    def faulty(student):
        raise StudentFault("dropout(x, 0.5) returned a string; expected a tensor.")
    assert draw(Declaration(("dropout",), "t", faulty, ("student",)), "dropout", None, None)[0].problem == \
        "dropout(x, 0.5) returned a string; expected a tensor."

    def broken(student, reference):
        return {}["missing"]
    problem = draw(Declaration(("dropout",), "t", broken, ("student", "reference")), "dropout", None, None)[0].problem
    assert problem == GRADER_FAULT.format(error="KeyError: 'missing'")


def test_numbers_accept_what_a_student_may_return_and_name_the_call_otherwise():
    assert number(torch.tensor(2.5, requires_grad=True), "l1_reg(m)") == 2.5
    assert number(np.array([3.0]), "l1_reg(m)") == 3.0
    np.testing.assert_array_equal(numbers([[1, 2]], "f()", shape=(1, 2)), [[1.0, 2.0]])
    with pytest.raises(StudentFault, match=re.escape("l1_reg(m) returned 'abc'; expected a single number.")):
        number("abc", "l1_reg(m)")
    with pytest.raises(StudentFault, match=re.escape("expected 3 loss records")):
        numbers([1.0, 2.0], "train()", shape=(3,), expected="3 loss records")
