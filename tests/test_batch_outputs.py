"""Tests for a batch's outputs: grades.csv, its Canvas twin, and summary.md / summary.html.

Reports are built by hand, so no sandbox runs; the files are read back as an instructor's tools would.
"""
import base64
import csv
import html
import re

import pytest

from autograder.exporters.grades import (BAD_ID_COLUMN, CANVAS_COLUMNS, POINTS_POSSIBLE, write_canvas_csv,
                                         write_grades_csv)
from autograder.exporters.summary import (FILES_FOLDER, HISTOGRAM, MISTAKE_LINE, PASS_RATES, histogram_figure,
                                          pass_rates_figure, write_summary)
from autograder.feedback import GRADER_FAULT
from autograder.report import ERROR, FAILED, PASSED, Report
from autograder.report import TestResult as Result  # as TestResult, pytest would try to collect it

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZEROES = "dropout: zeroes a fraction p of the elements for p = 0.1, 0.5 and 0.8"
SCALES = "dropout: scales the survivors by 1/(1-p)"
L1 = "l1_penalty: sums |p| over <all> parameters"
UNSCALED = "the survivors were not scaled by 1/(1-p)"
KEEP = "p was used as the keep probability"
BIASES = "the biases were left out"
NOT_LOADED = "regularization.py could not be loaded: NameError: name 'torch' is not defined."
TESTS = [(ZEROES, 2.0), (SCALES, 3.0), (L1, 1.5)]


def report(*outcomes, title="Regularization") -> Report:
    """A report with one result per (test, points) of TESTS, given (status, mistake, feedback) for each."""
    results = tuple(
        Result(name, points if status == PASSED else 0.0, points, status,
                   "" if status == PASSED else feedback or f"{name} failed.", False, number, mistake)
        for number, ((name, points), (status, mistake, feedback)) in enumerate(zip(TESTS, outcomes), start=1))
    return Report("assignment2", title, "regularization.py", results)


OK = (PASSED, None, "")


def failed(mistake=None, feedback=None):
    """A failed outcome for report(), naming the known mistake it matched, if any."""
    return (FAILED, mistake, feedback)


@pytest.fixture
def graded() -> list[tuple[str, Report]]:
    """Four students: all passed; one mistake made twice in dropout; two mistakes; a file that did not load."""
    return [
        ("alice", report(OK, OK, OK)),
        ("bob", report(failed(UNSCALED), failed(UNSCALED), OK)),
        ("carol", report(failed(KEEP), failed(UNSCALED), failed(BIASES))),
        ("dave", report(*[failed(feedback=NOT_LOADED)] * 3)),
    ]


def read_csv(path):
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def test_grades_csv_has_a_column_per_test_with_the_points_earned(graded, tmp_path):
    path = tmp_path / "grades.csv"
    write_grades_csv(graded, path)
    rows = read_csv(path)
    assert list(rows[0]) == ["student", "score", "max_score", "status", ZEROES, SCALES, L1]  # commas survive
    assert [list(row.values()) for row in rows] == [
        ["alice", "6.5", "6.5", "graded", "2", "3", "1.5"],
        ["bob", "1.5", "6.5", "graded", "0", "0", "1.5"],
        ["carol", "0", "6.5", "graded", "0", "0", "0"],
        ["dave", "0", "6.5", f"could not be graded: {NOT_LOADED}", "0", "0", "0"],
    ]


def test_grades_csv_leaves_a_cell_empty_for_a_test_a_report_lacks(tmp_path):
    short = Report("assignment2", "Regularization", "x.py",
                   (Result(SCALES, 1.0 / 3.0, 3.0, FAILED, "partly", False, 1),))
    path = tmp_path / "grades.csv"
    write_grades_csv([("alice", report(OK, OK, OK)), ("erin", short)], path)
    erin = read_csv(path)[1]
    assert (erin[ZEROES], erin[SCALES], erin[L1], erin["max_score"]) == ("", "0.3333", "", "3")


def test_canvas_csv_has_canvas_columns_a_points_possible_row_and_one_row_per_student(graded, tmp_path):
    path = tmp_path / "grades_canvas.csv"
    write_canvas_csv(graded, {"alice": "lovelaceada", "bob": ""}, "Regularization (4821)", path)
    rows = read_csv(path)
    assert list(rows[0]) == CANVAS_COLUMNS + ["Regularization (4821)"]
    assert [list(row.values()) for row in rows] == [
        [POINTS_POSSIBLE, "", "", "", "", "6.5"],
        ["lovelaceada", "alice", "", "", "", "6.5"],
        ["bob", "bob", "", "", "", "1.5"],  # no name known: the id stands in
        ["carol", "carol", "", "", "", "0"],
        ["dave", "dave", "", "", "", "0"],
    ]


def test_canvas_csv_can_match_students_by_sis_id_instead(graded, tmp_path):
    path = tmp_path / "grades_canvas.csv"
    write_canvas_csv(graded[:1], {}, "Regularization", path, id_column="SIS User ID")
    assert read_csv(path)[1] == {"Student": "alice", "ID": "", "SIS User ID": "alice", "SIS Login ID": "",
                                 "Section": "", "Regularization": "6.5"}
    with pytest.raises(ValueError) as refusal:
        write_canvas_csv(graded, {}, "Regularization", path, id_column="Email")
    assert str(refusal.value) == BAD_ID_COLUMN.format(columns="ID, SIS User ID, SIS Login ID", column="Email")


def test_summary_writes_markdown_with_linked_charts_and_self_contained_html(graded, tmp_path):
    markdown, page = write_summary(graded, "Regularization & <dropout>", tmp_path)
    assert (markdown, page) == (tmp_path / "summary.md", tmp_path / "summary.html")
    for name in (HISTOGRAM, PASS_RATES):
        assert (tmp_path / FILES_FOLDER / name).read_bytes().startswith(PNG_MAGIC)
        assert f"]({FILES_FOLDER}/{name})" in markdown.read_text()
    text = page.read_text()
    embedded = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(embedded) == 2 and all(base64.b64decode(data).startswith(PNG_MAGIC) for data in embedded)
    assert FILES_FOLDER not in text  # nothing to carry along with the page
    assert "<title>Summary: Regularization &amp; &lt;dropout&gt;</title>" in text
    assert html.escape(L1) in text and L1 not in text


def test_summary_counts_each_student_once_per_mistake_and_ranks_the_most_frequent_first(graded, tmp_path):
    markdown, page = write_summary(graded, "Regularization", tmp_path)
    sentences = [MISTAKE_LINE.format(count=2, total=4, function="dropout", mistake=UNSCALED),
                 MISTAKE_LINE.format(count=1, total=4, function="dropout", mistake=KEEP),
                 MISTAKE_LINE.format(count=1, total=4, function="l1_penalty", mistake=BIASES)]
    assert "\n".join(f"- {sentence}" for sentence in sentences) in markdown.read_text()
    assert "\n".join(f"<li>{html.escape(sentence)}</li>" for sentence in sentences) in page.read_text()


def test_summary_keeps_the_ten_most_frequent_mistakes(tmp_path):
    # Student n made mistakes 0..n, each in its own function: mistake m was made by 12 - m students.
    graded = [(f"s{n}", Report("a2", "t", "x.py", tuple(
        Result(f"f{m}: test", 0.0, 1.0, FAILED, "wrong", False, m, f"mistake {m}") for m in range(n + 1))))
        for n in range(12)]
    markdown, _ = write_summary(graded, "Regularization", tmp_path)
    listed = re.findall(r"^- (\d+) of 12 submissions: f(\d+): ", markdown.read_text(), re.MULTILINE)
    assert listed == [(str(12 - m), str(m)) for m in range(10)]


def test_summary_gives_mean_median_pass_rates_and_who_could_not_be_graded(graded, tmp_path):
    crashed = Report("assignment2", "Regularization", "eve.py",
                     (Result("dropout: graded", 0.0, 0.0, ERROR, GRADER_FAULT.format(error="boom"), False, 1),))
    markdown, page = write_summary(graded + [("eve", crashed)], "Regularization", tmp_path)
    text = markdown.read_text()
    assert "5 submissions graded; mean score 1.6 of 6.5, median 0. 2 could not be graded: see the end." in text
    assert f"| 1 | {ZEROES} | 1 of 4 | 25% |" in text
    # | would split the cell, <all> would be read as an HTML tag
    assert "| 3 | l1_penalty: sums \\|p\\| over \\<all\\> parameters | 2 of 4 | 50% |" in text
    assert text.endswith(f"## Could not be graded\n\n- dave: {NOT_LOADED}\n- eve: {GRADER_FAULT.format(error='boom')}\n")
    assert f"<li>dave: {html.escape(NOT_LOADED)}</li>" in page.read_text()
    assert '<td class="number">1 of 4</td>' in page.read_text()


def test_summary_of_an_empty_batch_still_writes_both_files(tmp_path):
    markdown, page = write_summary([], "Regularization", tmp_path)
    assert "No submissions were graded." in markdown.read_text()
    assert "No failure matched a known mistake." in page.read_text()


def inside(figure) -> bool:
    """Whether all that `figure` draws (tick labels, axis labels, legend) lies within the image: what savefig's
    bbox_inches="tight" would have cropped or widened to."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    drawn = figure.get_tightbbox(FigureCanvasAgg(figure).get_renderer())  # in inches
    width, height = figure.get_size_inches()
    return drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


@pytest.mark.parametrize("name", ["dropout", "d" * 70, "W" * 70 + " and more words cut at seventy characters"])
def test_the_pass_rates_chart_makes_room_for_the_widest_test_name(name):
    """Its margins are measured, not fitted after drawing: no test name may run off the image."""
    assert inside(pass_rates_figure([(name, 3, 4), ("dropout: keeps the shape", 1, 4)]))


@pytest.mark.parametrize("students", [1, 40, 100_000])
def test_the_histogram_makes_room_for_the_largest_count(students):
    assert inside(histogram_figure([("student", report(OK, OK, OK))] * students))
