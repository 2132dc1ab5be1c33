"""Writing an assignment once: the annotated solution makes the stub; `grade new` starts one that grades at once.

The four course assignments are checked by tests/test_course.py (their generated files are up to date);
these tests pin the rules of the markers and the scaffold, end to end through the CLI.
"""
import pytest
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE
from autograder.authoring import (ALREADY_THERE, NESTED, NOT_AN_IDENTIFIER, NOT_DONE, PROMPT_LINE, STRAY_PROMPT,
                                  UNCLOSED, UNOPENED, AuthoringError, student_version)
from cli import EXIT_FAILURES, EXIT_USAGE, grade

SOLVED = '''\
import numpy as np


# BEGIN SOLUTION
def _helper(x):
    return x * 2
# END SOLUTION


def double(x):
    """Twice x."""
    # BEGIN SOLUTION
    return _helper(x)
    # END SOLUTION


class Scaler:
    def scale(self, x):
        y = np.asarray(x)
        # BEGIN SOLUTION
        y = y * 3
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Scale y")
        #
        # y = ...
        # END PROMPT
        return y
'''

STUB = '''\
import numpy as np


def double(x):
    """Twice x."""
    {double}


class Scaler:
    def scale(self, x):
        y = np.asarray(x)
        raise NotImplementedError("Scale y")

        y = ...
        return y
'''.format(double=NOT_DONE.format(name="double"))


def test_each_solution_region_becomes_its_prompt_a_not_done_or_nothing():
    assert student_version(SOLVED) == STUB


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1\n", UNCLOSED.format(file="f.py", line=1, kind="SOLUTION")),
    ("x = 1\n# END SOLUTION\n", UNOPENED.format(file="f.py", line=2, kind="SOLUTION")),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n", NESTED.format(file="f.py", line=2, kind="SOLUTION", outer="SOLUTION")),
    ("x = 1\n# BEGIN PROMPT\n# x = ...\n# END PROMPT\n", STRAY_PROMPT.format(file="f.py", line=2)),
    ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\nx = 2\n# BEGIN PROMPT\n# END PROMPT\n",
     STRAY_PROMPT.format(file="f.py", line=5)),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n    # BEGIN PROMPT\n    return 2\n"
     "    # END PROMPT\n", PROMPT_LINE.format(file="f.py", line=6, prefix="    # ")),
])
def test_misplaced_markers_are_named_with_their_line(source, message):
    with pytest.raises(AuthoringError) as error:
        student_version(source, "f.py")
    assert str(error.value) == message


@pytest.fixture
def empty_course(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "assignments").mkdir(parents=True)
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    return course


def test_a_new_assignment_grades_end_to_end_at_once(empty_course):
    runner = CliRunner()
    made = runner.invoke(grade, ["new", "week5"])
    assert made.exit_code == 0, made.output
    assert (empty_course / "assignments/week5/week5.ipynb").is_file() and "Try it: grade week5" in made.output

    solved = runner.invoke(grade, ["week5", str(empty_course / "reference/week5/week5.py")])
    assert solved.exit_code == 0 and "Total: 7/7" in solved.output, solved.output
    stub = runner.invoke(grade, ["week5", str(empty_course / "assignments/week5/week5.py")])
    assert stub.exit_code == 1 and "Total: 0/7" in stub.output and "Complete the double function" in stub.output
    assert runner.invoke(grade, ["author", "--check"]).exit_code == 0


def test_author_check_names_what_an_edit_left_out_of_date_and_author_rewrites_it(empty_course):
    runner = CliRunner()
    runner.invoke(grade, ["new", "week5"])
    source = empty_course / "reference/week5/week5.py"
    source.write_text(source.read_text().replace("Twice x", "Two times x"))
    checked = runner.invoke(grade, ["author", "--check", "week5"])
    assert checked.exit_code == EXIT_FAILURES
    assert {line.split(": ", 1)[1] for line in checked.output.splitlines()} == {
        str(empty_course / "assignments/week5/week5.py"), str(empty_course / "assignments/week5/week5.ipynb")}
    written = runner.invoke(grade, ["author", "week5"])
    assert written.exit_code == 0 and "Two times x" in (empty_course / "assignments/week5/week5.py").read_text()
    assert runner.invoke(grade, ["author", "--check", "week5"]).output == ""


def test_new_refuses_a_taken_or_unusable_name(empty_course):
    runner = CliRunner()
    runner.invoke(grade, ["new", "week5"])
    again = runner.invoke(grade, ["new", "week5"])
    assert again.exit_code == EXIT_USAGE
    assert again.output == f"Error: {ALREADY_THERE.format(path=empty_course / 'assignments' / 'week5')}\n"
    odd = runner.invoke(grade, ["new", "5-week"])
    assert odd.exit_code == EXIT_USAGE and odd.output == f"Error: {NOT_AN_IDENTIFIER.format(name='5-week')}\n"


def test_a_table_of_cases_names_each_row(empty_course):
    CliRunner().invoke(grade, ["new", "week5"])
    report = CliRunner().invoke(grade, ["week5", str(empty_course / "reference/week5/week5.py")]).output
    assert "double: matches the reference for x = 1.5 " in report
    assert "double: matches the reference for x = array([0., 1., 2.]) " in report
