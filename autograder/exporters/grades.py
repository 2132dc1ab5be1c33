"""A batch's grades as CSV: grades.csv for the instructor, and its twin for Canvas's gradebook import.

grades.csv has the columns `student`, `score`, `max_score`, `status` (`graded`, or `could not be graded:`
and why: the file did not load, grading failed), then one per test, headed by the test's full name
("dropout: zeroes a fraction p of the elements for p = 0.1, 0.5 and 0.8") and holding the points earned.
Tests are in report order: the first report's, then any test only later reports have. An empty cell means
that student's report has no result for the test.

The Canvas file follows what Canvas itself exports from a gradebook, since an import reads the same shape
(written from knowledge of Canvas, not checked against a live instance):
- The header is `Student, ID, SIS User ID, SIS Login ID, Section, <assignment>`. Canvas finds each row's
  student by ID, the Canvas user id, else by SIS User ID or SIS Login ID; Student and Section only help a
  person read the file, so Student holds the LMS name where known and the student id otherwise.
- The student id goes under ID by default: in a Canvas bulk download it is the Canvas user id. For ids
  from elsewhere (a Gradescope export's sid is usually the SIS id) name the column with `id_column`.
- Canvas matches the assignment column to an existing assignment by the id in parentheses of its own
  exports ("Regularization (4821)"), else by exact title, and offers to create the assignment otherwise;
  so the title is written as given.
- The second row is `Points Possible` with the maximum score, as in Canvas's exports; imports accept it
  and read it only when creating a new assignment.
- Scores are plain decimal numbers. Both files are UTF-8 with "\\n" line ends, every cell quoted, and
  written atomically.
- Ids and names come from students: each cell is made inert by `autograder.report.safe.csv_cell`, so none
  starts a formula when the file is opened in a spreadsheet.
"""
import csv
import io
from pathlib import Path

from autograder.exporters import write_atomically
from autograder.report import Report
from autograder.report.safe import csv_cell, shown

FIXED_COLUMNS = ["student", "score", "max_score", "status"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_ID_COLUMNS = ("ID", "SIS User ID", "SIS Login ID")
POINTS_POSSIBLE = "Points Possible"
DECIMALS = 4

BAD_ID_COLUMN = "id_column must be one of {columns}, not {column!r}"


def write_grades_csv(graded: list[tuple[str, Report]], path: Path) -> None:
    """Write a row per student with the total, whether it could be graded, and each test's points, for the
    instructor's spreadsheet."""
    tests = ordered_test_names(graded)
    rows = [FIXED_COLUMNS + tests]
    for student, report in graded:
        earned = {result.name: result.score for result in report.results}
        rows.append([student, points(report.score), points(report.max_score), shown(report).status,  # cut to size
                     *(points(earned[name]) if name in earned else "" for name in tests)])
    write_atomically(path, _csv_text(rows))


def write_canvas_csv(graded: list[tuple[str, Report]], names: dict[str, str], assignment_title: str,
                     path: Path, *, id_column: str = "ID") -> None:
    """Write the scores as a Canvas gradebook import, so the instructor uploads instead of typing grades."""
    if id_column not in CANVAS_ID_COLUMNS:
        raise ValueError(BAD_ID_COLUMN.format(columns=", ".join(CANVAS_ID_COLUMNS), column=id_column))
    blank = [""] * (len(CANVAS_COLUMNS) - 1)
    possible = max((report.max_score for _, report in graded), default=0.0)
    rows = [CANVAS_COLUMNS + [assignment_title], [POINTS_POSSIBLE, *blank, points(possible)]]
    where = CANVAS_COLUMNS.index(id_column)
    for student, report in graded:
        row = [names.get(student) or student, *blank, points(report.score)]
        row[where] = student
        rows.append(row)
    write_atomically(path, _csv_text(rows))


def ordered_test_names(graded: list[tuple[str, Report]]) -> list[str]:
    """List every test's name once, in report order, so columns and charts follow what students read."""
    names: dict[str, None] = {}
    for _, report in graded:
        for result in report.results:
            names.setdefault(result.name)
    return list(names)


def points(value: float) -> str:
    """Write points as a plain decimal (`10`, `2.5`), never in exponent form, which imports misread."""
    return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


def _csv_text(rows: list[list[str]]) -> str:
    """Quote rows as CSV in memory, so the file itself is written in one atomic step."""
    buffer = io.StringIO()
    # Every cell quoted: a spreadsheet splitting on `;` (as in many locales) still reads one cell per field.
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(
        [csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
