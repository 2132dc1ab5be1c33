"""`from autograder import check` in a real Jupyter kernel (nbclient, as nbconvert executes notebooks).

Each notebook runs once per module: cells fill in the stubs, call check, change a function and check again; the
tests read what each cell displayed. The kernel runs this checkout's grader (PYTHONPATH) on a copy of the course.
What a cell displays is feedback.html's content: the tests, their sentences and the plots of a failing function
embedded, a hostile submission's text shown as text, and a style that applies inside the output only.
"""
import importlib.util
import json
import os
import re
import shutil
import sys

import nbformat
import pytest

from autograder.notebook import CELLS_NOTE, NOT_IN_A_NOTEBOOK, UNKNOWN_FUNCTION, CheckError, check
from autograder.report import PASSED
from autograder.report.html import INLINE_SCOPE, render_inline
from autograder.report.safe import html_text, inert
from autograder.report.text import HIDDEN_NOT_RUN
from conftest import PROJECT, SUBMISSIONS
from test_feedback_html import HOSTILE, PNG_MAGIC, embedded_pngs, sample_report, strict

REFERENCE = (PROJECT / "reference" / "assignment2" / "regularization.py").read_text()
NOT_RESCALED = "the survivors were not scaled by 1/(1-p)"
UNSCALED_DROPOUT = """def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not training or p == 0:
        return x
    return x * (torch.rand_like(x) > p)
"""
SCALED_DROPOUT = UNSCALED_DROPOUT.replace("    return x * (torch.rand_like(x) > p)", """    if p == 1:
        return torch.zeros_like(x)
    return x * (torch.rand_like(x) > p) / (1 - p)""")
# l1_reg as it would run in the kernel: it writes a file beside the notebook and changes a kernel variable.
KERNEL_TOUCHING = """CALLS = []
def l1_reg(model):
    CALLS.append(1)
    with open({marker!r}, "w") as handle:
        handle.write("ran in the kernel")
    return sum(p.abs().sum() for p in model.parameters())
"""
# The kernel's child processes that are zygotes, read from /proc: importing the grader in a cell would be graded code
# importing the grader.
ZYGOTES = ('print([int(c) for c in open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split() '
           'if "autograder.sandbox.zygote" in open(f"/proc/{c}/cmdline").read()])')
KERNEL_TIMEOUT = 240
# Its functions raise and return text meant to act where it lands: terminal sequences, Markdown, a <script>.
OUTPUT_ESCAPES = SUBMISSIONS / "assignment2" / "hostile" / "output_escapes.py"
SCRIPT = "<script>alert('feedback')</script>"


def _require_kernel():
    """Skip where no Jupyter kernel can start, except in CI, whose install brings one (pyproject's `test` extra)."""
    missing = [name for name in ("ipykernel", "nbclient") if importlib.util.find_spec(name) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"{', '.join(missing)} missing: install the project with its `test` extra")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install -e '.[test]')")


def run_notebook(sources: list[str], folder, course) -> list[list[dict]]:
    """Execute a notebook of `sources` in a fresh kernel of this Python; return each cell's outputs."""
    from nbclient import NotebookClient

    spec = folder / "jupyter" / "kernels" / "grade-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "grade-test", "language": "python"}))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder / "jupyter"))
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])))
        patch.setenv("GRADE_COURSE", str(course))
        NotebookClient(notebook, timeout=KERNEL_TIMEOUT, kernel_name="grade-test", allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
    return [cell.get("outputs", []) for cell in notebook.cells]


def shown(outputs: list[dict], kind: str = "text/html") -> str:
    """What a cell displayed in one format, all its outputs together."""
    return "\n".join(output.get("data", {}).get(kind, "") for output in outputs)


def printed(outputs: list[dict]) -> str:
    return "".join(output.get("text", "") for output in outputs if output.get("output_type") == "stream")


@pytest.fixture(scope="module")
def instructor_notebook(course, tmp_path_factory):
    """The cells of an instructor's notebook (the reference is in the course, so hidden tests run), executed."""
    _require_kernel()
    folder = tmp_path_factory.mktemp("notebook")
    marker = folder / "kernel-marker.txt"
    sources = [
        REFERENCE.replace("return x * mask / (1 - p)", "return x * mask"),  # 0: dropout forgets to rescale
        "from autograder import check",                                      # 1
        'check("dropout")',                                                  # 2: the named mistake
        SCALED_DROPOUT,                                                      # 3: fixed, not saved
        'check("dropout")',                                                  # 4: as defined now
        KERNEL_TOUCHING.format(marker=str(marker)),                          # 5
        'check("l1_reg")',                                                   # 6: runs in the sandbox only
        f"import os\nprint(CALLS, os.path.exists({str(marker)!r}))",         # 7: the kernel is untouched
        "def dropout(x, p, training=True):\n    os._exit(3)\n",              # 8: would end the kernel
        "check()",                                                           # 9: every function, kernel survives
        'print("still running")',                                            # 10
        'check("dropuot")',                                                  # 11: a typo
        ZYGOTES,                                                             # 12
        "import signal\nos.killpg(os.getpgrp(), signal.SIGINT)",             # 13: Jupyter's interrupt button
        ZYGOTES,                                                             # 14
        'check("l2_reg")',                                                   # 15
        OUTPUT_ESCAPES.read_text(),                                          # 16: every function hostile
        "check()",                                                           # 17
    ]
    return run_notebook(sources, folder, course)


def test_check_shows_the_named_mistake_of_the_function_as_defined(instructor_notebook):
    page = shown(instructor_notebook[2])
    assert '<table class="tests">' in page and "dropout: with p = 0.2 it zeroes about a fifth" in page
    assert html_text(NOT_RESCALED) in page and "✗" in page
    assert "l1_reg" not in page  # check("dropout") shows dropout's tests only
    assert "dropout: scales the surviving elements by 1/(1-p)" in page  # a hidden test: the reference is here
    assert NOT_RESCALED in shown(instructor_notebook[2], "text/plain")  # the same sentence as text


def test_check_grades_a_redefinition_without_saving_the_notebook(instructor_notebook):
    page = shown(instructor_notebook[4])
    assert "✗" not in page and NOT_RESCALED not in page
    assert re.search(r"Score: (\d+) / \1<", page) and page.count("✓") >= 10  # every point
    assert "<img" not in page  # dropout passes: no plot to explain a failure


def test_check_runs_the_students_code_in_the_sandbox_never_in_the_kernel(instructor_notebook):
    page = " ".join(shown(instructor_notebook[6], "text/plain").split())
    assert "raised FileNotFoundError" in page and "(regularization.ipynb, cell 6, line 4)" in page  # no folder
    assert printed(instructor_notebook[7]).strip() == "[] False"  # no call in the kernel, no file beside it


def test_check_survives_code_that_ends_its_process(instructor_notebook):
    page = " ".join(shown(instructor_notebook[9], "text/plain").split())
    assert "ended the Python process (exit status 3)" in page
    assert printed(instructor_notebook[10]).strip() == "still running"


def test_check_of_every_function_names_the_cells_it_graded(instructor_notebook):
    page = " ".join(shown(instructor_notebook[9], "text/plain").split())
    assert "Graded the cells this kernel ran" in page
    assert CELLS_NOTE.format(cells="10 cells") in page  # cell n is input n: the check cell itself is the 10th


def test_a_misspelled_function_gets_one_sentence_not_a_traceback(instructor_notebook):
    [error] = instructor_notebook[11]
    assert error["output_type"] == "error" and error["ename"] == "CheckError"
    assert error["traceback"] == ["CheckError: " + UNKNOWN_FUNCTION.format(
        assignment="assignment2", name="dropuot", hint=" (did you mean 'dropout'?)",
        functions="l1_reg, l2_reg, dropout, Dropout, regularized_loss")]


def test_students_without_the_reference_see_how_many_tests_are_hidden(course, tmp_path):
    _require_kernel()
    student_course = tmp_path / "installed"
    shutil.copytree(course / "assignments", student_course / "assignments")
    outputs = run_notebook([REFERENCE, "from autograder import check\ncheck()"], tmp_path, student_course)
    page = " ".join(shown(outputs[1], "text/plain").split())
    assert "Total: 11/11" in page
    assert HIDDEN_NOT_RUN.format(tests="22 hidden tests", points="48 points") in page


def test_a_notebook_that_calls_check_grades_the_same_with_grade(grade2, tmp_path):
    notebook = tmp_path / "regularization.ipynb"
    cells = [REFERENCE, "from autograder import check", 'check("dropout")', "check()"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), notebook)
    report = grade2(notebook)
    assert report.all_passed, [(r.name, r.feedback) for r in report.results if r.status != PASSED]
    assert not [note for note in report.notes if "cell 2" in note or "cell 3" in note or "cell 4" in note]


def test_an_interrupt_stops_the_cell_but_not_the_sandbox(instructor_notebook):
    zygotes = json.loads(printed(instructor_notebook[12]))
    assert len(zygotes) == 1  # one zygote served every check so far
    assert [output["ename"] for output in instructor_notebook[13]] == ["KeyboardInterrupt"]
    assert json.loads(printed(instructor_notebook[14])) == zygotes  # it ignored the process group's ^C
    assert "Total: 8/8" in shown(instructor_notebook[15], "text/plain")


def test_a_script_exported_from_such_a_notebook_grades_the_same(grade2):
    exported = f"from autograder import check\n{REFERENCE}\ncheck('dropout')\n"
    report = grade2(exported)
    assert report.all_passed, [(r.name, r.feedback) for r in report.results if r.status != PASSED]


def test_outside_a_notebook_check_says_where_it_works():
    with pytest.raises(CheckError) as caught:
        check("dropout")
    assert str(caught.value) == NOT_IN_A_NOTEBOOK


def test_check_shows_the_plots_of_the_failing_function_embedded_in_the_output(instructor_notebook):
    parsed = strict(shown(instructor_notebook[2]), whole=False)
    images = embedded_pngs(parsed)
    assert images and all(data.startswith(PNG_MAGIC) for data, _, _ in images)
    assert [value for tag, name, value in parsed.attributes if name == "src"][0].startswith(
        "data:image/png;base64,")
    text = " ".join("".join(parsed.text).split())
    assert "dropout: the values of the survivors" in text  # a plot's caption, beside the test it explains
    assert "Known mistakes found" in text and f"dropout: {NOT_RESCALED}" in text


def test_check_shows_a_hostile_submissions_text_as_text(instructor_notebook):
    page = shown(instructor_notebook[17])
    parsed = strict(page, whole=False)
    assert "script" not in parsed.tags and not [name for _, name, _ in parsed.attributes if name.startswith("on")]
    assert "\x1b" not in page and "\u202e" not in page
    text = "".join(parsed.text)
    assert SCRIPT in text and "[click me](javascript:alert(1))" in text  # dropout's message, as written
    assert inert("\x1b[2J\x1b[H") in text  # l1_reg's terminal sequence, its escapes shown
    assert "Total: 0/" in shown(instructor_notebook[17], "text/plain")


def test_the_outputs_style_applies_inside_it_only():
    page = render_inline(sample_report())
    style = page[page.index("<style>") + len("<style>"):page.index("</style>")]
    selectors = [selector.strip() for rule in style.split("}") if rule.strip()
                 for selector in rule.split("{")[0].split(",")]
    assert selectors and all(selector.startswith(INLINE_SCOPE) for selector in selectors), selectors
    parsed = strict(page, whole=False)
    assert not {"html", "head", "body", "h1", "h2"} & set(parsed.tags)  # no heading joins the notebook's contents
    assert len(embedded_pngs(parsed)) == 2


def test_two_outputs_in_one_notebook_link_each_to_its_own_sections():
    first, second = render_inline(sample_report()), render_inline(sample_report())
    ids = [set(re.findall(r' id="([^"]+)"', page)) for page in (first, second)]
    assert ids[0] and not ids[0] & ids[1]
    for page, own in zip((first, second), ids):
        assert {link[1:] for link in re.findall(r' href="([^"]+)"', page)} <= own


def test_student_text_in_the_output_is_text():
    parsed = strict(render_inline(sample_report(hostile=f" {HOSTILE}")), whole=False)
    assert "script" not in parsed.tags and parsed.tags.count("style") == 1  # ours; the student's <style> is text
    assert inert(HOSTILE) in "".join(parsed.text)
