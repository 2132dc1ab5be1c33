"""Tests for autograder.submission: finding the file, cutting it into chunks, refusing bad files."""

import json
import os
import signal
import traceback

import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder import submission
from autograder.feedback import StudentFault
from autograder.sandbox.chunks import compile_chunk
from autograder.sandbox.remote import StudentCode
from autograder.submission import (
    BOTH_KINDS,
    CELL_SKIPPED,
    CLOSE_NAME,
    CODE_TOO_BIG,
    DOES_NOT_PARSE,
    EMPTY,
    FAILED_AT_LOAD,
    LOAD_FAILURE,
    MAX_KEPT_STATEMENTS,
    MISSING_FILE,
    MORE_FILES,
    NO_CODE_CELLS,
    NO_OTHER_FILES,
    NOT_A_FILE,
    NOT_A_NOTEBOOK,
    NOT_UTF8,
    NOTHING_IN_FOLDER,
    NOTHING_TO_GRADE,
    OTHER_FILES,
    RENAME,
    SOURCE_NOT_TEXT,
    STATEMENTS_SKIPPED,
    SYMBOLIC_LINK,
    TOO_BIG,
    UNKNOWN_KIND,
    UNSUPPORTED_VERSION,
    Chunk,
    SubmissionNotFound,
    find_submission,
    load_submission,
)
from conftest import PROJECT, TEST_TIMEOUT

NOTEBOOK = "regularization.ipynb"
CELL = "regularization.ipynb, cell {}"
NUMBA_GUARD = (
    "try:\n    from numba import jit\n"
    "except ImportError:\n    def jit(f):\n        return f"
)

# A student notebook as it arrives from Colab: magics, shell escapes, a timed
# cell, a cell that does not parse, a training loop that never ends, plots.
STUDENT_CELLS = [
    new_markdown_cell("# Assignment 2: regularization"),
    new_code_cell(
        "%matplotlib inline\n"
        "!pip install -q torchinfo\n"
        "import math\n"
        "import functools\n"
        "from google.colab import drive\n"
        "files = !ls\n"
        "math.sqrt?\n"
    ),
    new_code_cell("%%time\ndef slow_square(x):\n    return x * x\n"),
    new_code_cell("%%capture\n!pip install wandb\n"),
    new_code_cell(
        "def l2_penalty(weights, lam):\n"
        "    return lam * sum(w * w for w in weights\n"
    ),
    new_markdown_cell("## Training"),
    new_code_cell(
        "LAMBDA = 1e-3\n"
        "EPOCHS: int = 2 ** 4\n"
        "SIZES = (784, -1, 10)\n"
        'CONFIG = {"lr": 0.1, "decay": [0.5, 0.25]}\n'
        "DEVICE = set_device()\n"
        "net = nn.Linear(784, 10)\n"
        "print(LAMBDA)\n"
        "BASE_LR = LAMBDA\n"
    ),
    new_code_cell(
        "@functools.lru_cache(maxsize=None)\n"
        "def fib(n):\n"
        "    !echo computing\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "\n"
        "\n"
        "def ratio(part, total):\n"
        '    """Return what is left of part after whole totals.\n'
        "    % of the total, as a remainder.\n"
        '    """\n'
        "    return (part\n"
        "            % total)\n"
    ),
    new_code_cell("while True:\n    loss = train_step(net)\n"),
    new_code_cell(
        "class Dropout:\n"
        '    """Zero each input with probability p."""\n'
        "\n"
        "    def __init__(self, p=0.5):\n"
        "        self.p = p\n"
        "\n"
        "    def scale(self):\n"
        "        return 1 / (1 - self.p)\n"
    ),
    new_code_cell("try:\n    import wandb\nexcept ImportError:\n    wandb = None\n"),
    new_code_cell(
        "if __name__ == '__main__':\n"
        "    main()\n"
        "get_ipython().run_line_magic('load_ext', 'autoreload')\n"
    ),
    new_code_cell("import os; import sys; print(sys.path)\n"),
]

EXPECTED_CHUNKS = [
    (CELL.format(2), 3, "import math"),
    (CELL.format(2), 4, "import functools"),
    (CELL.format(2), 5, "from google.colab import drive"),
    (CELL.format(7), 1, "LAMBDA = 1e-3"),
    (CELL.format(7), 2, "EPOCHS: int = 2 ** 4"),
    (CELL.format(7), 3, "SIZES = (784, -1, 10)"),
    (CELL.format(7), 4, 'CONFIG = {"lr": 0.1, "decay": [0.5, 0.25]}'),
    (
        CELL.format(8),
        1,
        "@functools.lru_cache(maxsize=None)\n"
        "def fib(n):\n"
        "    pass\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    ),
    (
        CELL.format(8),
        7,
        "def ratio(part, total):\n"
        '    """Return what is left of part after whole totals.\n'
        "    % of the total, as a remainder.\n"
        '    """\n'
        "    return (part\n"
        "            % total)",
    ),
    (
        CELL.format(10),
        1,
        "class Dropout:\n"
        '    """Zero each input with probability p."""\n'
        "\n"
        "    def __init__(self, p=0.5):\n"
        "        self.p = p\n"
        "\n"
        "    def scale(self):\n"
        "        return 1 / (1 - self.p)",
    ),
    (CELL.format(11), 1, "try:\n    import wandb\nexcept ImportError:\n    wandb = None"),
    (CELL.format(13), 1, "import os"),
    (CELL.format(13), 1, "import sys"),
]

# Written out in full once, to pin the wording students read.
EXPECTED_NOTES = (
    "Cell 3 of regularization.ipynb starts with %%time, so its functions and classes "
    "were not graded; delete that line to have them graded.",
    "Cell 5 of regularization.ipynb does not parse (line 2: '(' was never closed) "
    "and was skipped.",
    "Skipped 8 statements in cells 7, 9, 12 and 13 of regularization.ipynb: "
    "grading runs only imports, definitions and the assignments they use.",
)


def write_notebook(folder, cells, name=NOTEBOOK):
    """Save `cells` as a notebook in `folder` and return its path."""
    path = folder / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


def run_like_the_child(loaded):
    """Exec each chunk in order in a fresh namespace, noting tolerant failures, like the child."""
    namespace, failures = {"__name__": "student"}, []
    for chunk in loaded.chunks:
        try:
            exec(compile_chunk(chunk), namespace)
        except Exception as error:
            if not chunk.tolerant:
                raise
            failures.append((chunk.filename, type(error).__name__))
    return namespace, failures


def test_notebook_keeps_imports_definitions_and_constants_only(tmp_path):
    loaded = load_submission(write_notebook(tmp_path, STUDENT_CELLS))
    assert [(c.filename, c.first_line, c.source) for c in loaded.chunks] == EXPECTED_CHUNKS
    assert all(chunk.tolerant for chunk in loaded.chunks)
    assert loaded.notes == EXPECTED_NOTES
    assert loaded.problem is None


def test_notebook_chunks_run_in_order_and_define_the_students_names(tmp_path):
    loaded = load_submission(write_notebook(tmp_path, STUDENT_CELLS))
    namespace, failures = run_like_the_child(loaded)
    assert failures == [(CELL.format(2), "ModuleNotFoundError")]
    assert namespace["fib"](10) == 55
    assert namespace["ratio"](7, 4) == 3
    assert namespace["Dropout"](0.5).scale() == 2
    assert namespace["wandb"] is None
    constants = (namespace["LAMBDA"], namespace["EPOCHS"], namespace["SIZES"])
    assert constants == (1e-3, 16, (784, -1, 10))
    never_run = {"DEVICE", "net", "BASE_LR", "loss", "slow_square", "l2_penalty", "drive", "files"}
    assert never_run.isdisjoint(namespace)


def test_traceback_quotes_the_students_cell_and_line(tmp_path):
    cells = [
        new_markdown_cell("Normalise"),
        new_code_cell("import math\n\n\ndef bad_norm(x):\n    scale = 0\n    return x / scale\n"),
    ]
    namespace, _ = run_like_the_child(load_submission(write_notebook(tmp_path, cells)))
    with pytest.raises(ZeroDivisionError) as caught:
        namespace["bad_norm"](1.0)
    frame = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == (CELL.format(2), 6, "return x / scale")


def test_traceback_quotes_the_students_py_line(tmp_path):
    path = tmp_path / "regularization.py"
    path.write_text("import math\n\ndef bad_norm(x):\n    return x / 0\n", encoding="utf-8")
    namespace, _ = run_like_the_child(load_submission(path))
    with pytest.raises(ZeroDivisionError) as caught:
        namespace["bad_norm"](1.0)
    frame = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == ("regularization.py", 4, "return x / 0")


@pytest.mark.parametrize(
    "cell, kept",
    [
        ("X = 1", ["X = 1"]),
        ("X = -1.5", ["X = -1.5"]),
        ("X = 2**10", ["X = 2**10"]),
        ("X = 1e-3 * 5", ["X = 1e-3 * 5"]),
        ("A, *B = 1, 2, 3", ["A, *B = 1, 2, 3"]),
        ("X = (1, 'a', None, True)", ["X = (1, 'a', None, True)"]),
        ("X = {1, 2}", ["X = {1, 2}"]),
        ("X = Y", []),
        ("X = f()", []),
        ("X = torch.float32", []),
        ("X = [i for i in (1, 2)]", []),
        ("X = f'{Y}'", []),
        ("obj.x = 1", []),
        ("d['k'] = 1", []),
        ("X += 1", []),
        ("X: int", []),
        ("X: make_type() = 1", []),
        ("for i in range(3):\n    step(i)", []),
        ("with open('log') as f:\n    f.write('x')", []),
        ("get_ipython().system('ls')", []),
        ("import os; X = f(); import sys", ["import os", "import sys"]),
        ("async def f():\n    pass", ["async def f():\n    pass"]),
        (NUMBA_GUARD, [NUMBA_GUARD]),
        ("try:\n    import wandb\nexcept ImportError:\n    install('wandb')", []),
        ("try:\n    X = 1\nexcept ValueError:\n    pass", []),
        ("try:\n    import wandb\nexcept errors():\n    pass", []),
    ],
)
def test_statement_filter(tmp_path, cell, kept):
    cells = [new_code_cell(cell), new_code_cell("import re")]
    loaded = load_submission(write_notebook(tmp_path, cells))
    assert [chunk.source for chunk in loaded.chunks] == kept + ["import re"]


@pytest.mark.parametrize(
    "cell, text",
    [
        ("%matplotlib inline", ""),
        ("!nvidia-smi", ""),
        ("files = !ls", ""),
        ("t = %timeit -o f()", ""),
        ("torch.zeros?", ""),
        ("??torch.zeros", ""),
        ("%time x = 1 + \\\n    2", "\n"),
        ("def f():\n    !nvidia-smi\n    return 1", "def f():\n    pass\n    return 1"),
        ('S = """\n%d items\n!important"""', 'S = """\n%d items\n!important"""'),
        ("def g(a, b):\n    return (a\n        % b)", "def g(a, b):\n    return (a\n        % b)"),
        ("X = 5 % 3  # 2!", "X = 5 % 3  # 2!"),
        ("X = 7 \\\n    % 4", "X = 7 \\\n    % 4"),
    ],
)
def test_ipython_lines_are_blanked_in_place(tmp_path, cell, text):
    loaded = load_submission(write_notebook(tmp_path, [new_code_cell(cell + "\nimport re")]))
    assert loaded.chunks[-1].text == text + "\nimport re"
    assert loaded.chunks[-1].first_line == text.count("\n") + 2


def test_cell_magic_cells_without_definitions_are_skipped_silently(tmp_path):
    cells = [
        new_code_cell("%%bash\nls -l\n"),
        new_code_cell("%%writefile notes.txt\nclass notes\n"),
        new_code_cell("import re"),
    ]
    loaded = load_submission(write_notebook(tmp_path, cells))
    assert [chunk.source for chunk in loaded.chunks] == ["import re"]
    assert loaded.notes == ()


def test_compiler_errors_skip_the_cell_like_syntax_errors(tmp_path):
    cells = [new_code_cell("def f():\n    break\n"), new_code_cell("import re")]
    loaded = load_submission(write_notebook(tmp_path, cells))
    assert [chunk.source for chunk in loaded.chunks] == ["import re"]
    error = "line 2: 'break' outside loop"
    assert loaded.notes == (CELL_SKIPPED.format(number=1, name=NOTEBOOK, error=error),)


def test_one_dropped_statement_reads_in_the_singular(tmp_path):
    loaded = load_submission(write_notebook(tmp_path, [new_code_cell("import re\nplot()")]))
    note = STATEMENTS_SKIPPED.format(statements="1 statement", cells="cell 1", name=NOTEBOOK)
    assert loaded.notes == (note,)


def test_bare_strings_and_pass_are_dropped_without_a_note(tmp_path):
    cell = new_code_cell('"""Part 1."""\npass\nimport re')
    loaded = load_submission(write_notebook(tmp_path, [cell]))
    assert [chunk.source for chunk in loaded.chunks] == ["import re"]
    assert loaded.notes == ()


def test_py_file_runs_as_written_one_statement_per_chunk(tmp_path):
    text = "# solution\nimport math\nprint('training')\nwhile True:\n    pass\n"
    path = tmp_path / "regularization.py"
    path.write_text(text, encoding="utf-8")
    loaded = load_submission(path)
    # Only the import may fail without stopping the load.
    assert loaded.chunks == (
        Chunk("import math", "regularization.py", 2, True, text, binds=("math",)),
        Chunk("print('training')", "regularization.py", 3, False, text),
        Chunk("while True:\n    pass", "regularization.py", 4, False, text),
    )
    assert (loaded.notes, loaded.problem) == ((), None)


def test_py_file_line_ends_and_bom_are_normalised(tmp_path):
    path = tmp_path / "regularization.py"
    path.write_bytes(b"\xef\xbb\xbfX = 1\r\nY = 2\r\n")
    chunks = load_submission(path).chunks
    text = "X = 1\nY = 2\n"
    assert [(chunk.source, chunk.text) for chunk in chunks] == [("X = 1", text), ("Y = 2", text)]


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", EMPTY.format(name="regularization.py")),
        (b"  \n\t\n", EMPTY.format(name="regularization.py")),
        (
            b"x = 1\ny = (1,\n",
            DOES_NOT_PARSE.format(name="regularization.py", error="line 2: '(' was never closed"),
        ),
        (b"x = '\xff'\n", NOT_UTF8.format(name="regularization.py", offset=5)),
    ],
)
def test_py_problems(tmp_path, content, problem):
    path = tmp_path / "regularization.py"
    path.write_bytes(content)
    loaded = load_submission(path)
    assert (loaded.chunks, loaded.problem) == ((), problem)


def test_py_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "regularization.py"
    path.write_bytes(b"#" * 7_200_000)
    assert load_submission(path).problem == "regularization.py is 7.2 MB; the limit is 5 MB."


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "regularization.txt"
    path.write_text("import math\n", encoding="utf-8")
    assert load_submission(path).problem == UNKNOWN_KIND.format(name="regularization.txt")


def test_missing_file_is_the_callers_bug(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_submission(tmp_path / "regularization.py")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", EMPTY.format(name=NOTEBOOK)),
        (b"\xff{}", NOT_UTF8.format(name=NOTEBOOK, offset=0)),
        (
            b"print('not a notebook')",
            NOT_A_NOTEBOOK.format(name=NOTEBOOK, reason="it is not valid JSON (line 1, column 1)"),
        ),
        (
            b'{"nbformat": 9}',
            NOT_A_NOTEBOOK.format(name=NOTEBOOK, reason=UNSUPPORTED_VERSION.format(version="9")),
        ),
    ],
)
def test_notebook_problems(tmp_path, content, problem):
    path = tmp_path / NOTEBOOK
    path.write_bytes(content)
    loaded = load_submission(path)
    assert (loaded.chunks, loaded.problem) == ((), problem)


def test_notebook_with_a_source_that_is_not_text_is_refused(tmp_path):
    notebook = new_notebook(cells=[new_code_cell("import re")])
    notebook.cells[0].source = 5
    path = tmp_path / NOTEBOOK
    path.write_text(json.dumps(notebook), encoding="utf-8")
    reason = SOURCE_NOT_TEXT.format(number=1)
    assert load_submission(path).problem == NOT_A_NOTEBOOK.format(name=NOTEBOOK, reason=reason)


@pytest.mark.parametrize(
    "cells",
    [
        [],
        [new_markdown_cell("# My answers")],
        [new_markdown_cell("Answers"), new_code_cell("  \n")],
    ],
)
def test_notebook_without_code_is_refused(tmp_path, cells):
    loaded = load_submission(write_notebook(tmp_path, cells))
    assert loaded.problem == NO_CODE_CELLS.format(name=NOTEBOOK)


def test_notebook_with_nothing_to_grade_says_so_and_keeps_its_notes(tmp_path):
    cells = [new_code_cell("print('hello')"), new_code_cell("x = (")]
    loaded = load_submission(write_notebook(tmp_path, cells))
    assert loaded.problem == NOTHING_TO_GRADE.format(name=NOTEBOOK)
    assert len(loaded.notes) == 2


def test_notebook_size_counts_code_not_outputs(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_SOURCE_BYTES", 1_000_000)
    plot = new_output("display_data", data={"image/png": "A" * 3_000_000})
    cell = new_code_cell("import re", outputs=[plot])
    assert load_submission(write_notebook(tmp_path, [cell])).problem is None
    big = new_code_cell("X = 1\n" + "#" * 1_500_000)
    problem = CODE_TOO_BIG.format(name=NOTEBOOK, size="1.5", limit="1")
    assert load_submission(write_notebook(tmp_path, [cell, big])).problem == problem


def test_notebook_file_over_the_hard_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_NOTEBOOK_BYTES", 2_000_000)
    cell = new_code_cell("import re", outputs=[new_output("stream", text="." * 2_500_000)])
    path = write_notebook(tmp_path, [cell])
    size = f"{path.stat().st_size / 1_000_000:.1f}"
    assert load_submission(path).problem == TOO_BIG.format(name=NOTEBOOK, size=size, limit="2")


def test_find_submission_picks_the_one_file_in_a_folder(tmp_path):
    (tmp_path / "regularization.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "utils.py").write_text("", encoding="utf-8")
    assert find_submission(tmp_path, "regularization") == tmp_path / "regularization.ipynb"


def test_find_submission_returns_a_named_file_as_is(tmp_path):
    path = tmp_path / "Copy of regularization.ipynb"
    path.write_text("{}", encoding="utf-8")
    assert find_submission(path, "regularization") == path


def test_find_submission_asks_which_when_both_are_there(tmp_path):
    for name in ("regularization.py", "regularization.ipynb"):
        (tmp_path / name).write_text("", encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path, "regularization")
    example = tmp_path / "regularization.ipynb"
    expected = BOTH_KINDS.format(module="regularization", folder=tmp_path, example=example)
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    "names, close, wanted",
    [
        (["Regularization.py", "utils.py"], "Regularization.py", "regularization.py"),
        (["regularisation.ipynb"], "regularisation.ipynb", "regularization.ipynb"),
        (
            ["Copy of regularization.ipynb", "data.py"],
            "Copy of regularization.ipynb",
            "regularization.ipynb",
        ),
        (["regularization.PY"], "regularization.PY", "regularization.py"),
    ],
)
def test_find_submission_suggests_the_closest_name(tmp_path, names, close, wanted):
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path, "regularization")
    missing = NOTHING_IN_FOLDER.format(module="regularization", folder=tmp_path)
    listed = OTHER_FILES.format(missing=missing, names=", ".join(sorted(names)))
    suggestion = CLOSE_NAME.format(name=close) + RENAME.format(wanted=wanted)
    assert str(caught.value) == listed + suggestion


def test_find_submission_lists_unrelated_files_without_a_suggestion(tmp_path):
    names = [f"helper{n:02}.py" for n in range(12)]
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path, "regularization")
    missing = NOTHING_IN_FOLDER.format(module="regularization", folder=tmp_path)
    listing = MORE_FILES.format(names=", ".join(names[:10]), count=2)
    assert str(caught.value) == OTHER_FILES.format(missing=missing, names=listing)


def test_find_submission_in_a_folder_without_python_files(tmp_path):
    (tmp_path / "README.md").write_text("", encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path, "regularization")
    missing = NOTHING_IN_FOLDER.format(module="regularization", folder=tmp_path)
    assert str(caught.value) == NO_OTHER_FILES.format(missing=missing)


def test_find_submission_for_a_missing_file(tmp_path):
    (tmp_path / "regularization.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path / "regularization.ipnyb", "regularization")
    message = MISSING_FILE.format(path=tmp_path / "regularization.ipnyb")
    assert str(caught.value) == message + CLOSE_NAME.format(name="regularization.ipynb")
    with pytest.raises(SubmissionNotFound) as caught:
        find_submission(tmp_path / "absent" / "regularization.py", "regularization")
    assert str(caught.value) == MISSING_FILE.format(path=tmp_path / "absent" / "regularization.py")


# ---------------------------------------------------------------- links and special files

REFERENCE = PROJECT / "reference" / "assignment2" / "regularization.py"


def test_a_submission_that_is_a_link_to_the_reference_is_refused(grade2, tmp_path):
    link = tmp_path / "regularization.py"
    link.symlink_to(REFERENCE)
    assert find_submission(link, "regularization") == link
    assert load_submission(link).problem == SYMBOLIC_LINK.format(name="regularization.py")
    report = grade2(link)  # graded as the student's own work, this would score full marks
    assert report.score == 0
    assert all(SYMBOLIC_LINK.format(name="regularization.py") in result.feedback for result in report.results)


def test_a_folder_whose_chosen_file_is_a_link_is_refused(tmp_path):
    (tmp_path / "regularization.py").symlink_to(REFERENCE)
    chosen = find_submission(tmp_path, "regularization")
    assert load_submission(chosen).problem == SYMBOLIC_LINK.format(name="regularization.py")


def test_a_named_folder_that_is_a_link_is_refused(tmp_path):
    link = tmp_path / "submission"
    link.symlink_to(REFERENCE.parent, target_is_directory=True)
    assert find_submission(link, "regularization") == link  # never the reference file inside it
    assert load_submission(link).problem == SYMBOLIC_LINK.format(name="submission")
    named = tmp_path / "submission.py"
    named.symlink_to(REFERENCE.parent, target_is_directory=True)
    assert load_submission(find_submission(named, "regularization")).problem == SYMBOLIC_LINK.format(
        name="submission.py")


def test_a_dangling_link_is_refused_as_a_link(tmp_path):
    link = tmp_path / "regularization.ipynb"
    link.symlink_to(tmp_path / "gone.ipynb")
    assert find_submission(link, "regularization") == link
    assert load_submission(link).problem == SYMBOLIC_LINK.format(name="regularization.ipynb")


def test_a_file_swapped_for_a_link_after_it_was_chosen_is_refused(tmp_path):
    (tmp_path / "regularization.py").write_text("def l1_reg(model):\n    return 0\n", encoding="utf-8")
    chosen = find_submission(tmp_path, "regularization")
    chosen.unlink()  # the race: what was checked is not what is read, unless reading refuses links
    chosen.symlink_to(REFERENCE)
    assert load_submission(chosen).problem == SYMBOLIC_LINK.format(name="regularization.py")


def test_other_links_in_the_folder_are_ignored(tmp_path):
    (tmp_path / "regularization.py").write_text("import math\n", encoding="utf-8")
    (tmp_path / "helpers.py").symlink_to(REFERENCE)
    (tmp_path / "data").symlink_to("/", target_is_directory=True)
    chosen = find_submission(tmp_path, "regularization")
    assert chosen == tmp_path / "regularization.py"
    loaded = load_submission(chosen)
    assert (loaded.problem, [chunk.source for chunk in loaded.chunks]) == (None, ["import math"])


def test_a_fifo_or_a_folder_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "regularization.py"
    os.mkfifo(fifo)
    signal.alarm(10)  # opening a FIFO for reading would wait for a writer forever
    try:
        assert load_submission(fifo).problem == NOT_A_FILE.format(name="regularization.py")
    finally:
        signal.alarm(0)
    folder = tmp_path / "folder.ipynb"
    folder.mkdir()
    assert load_submission(folder).problem == NOT_A_FILE.format(name="folder.ipynb")


# ---------------------------------------------------------------- .py files, statement by statement

SCRIPT = """\
import torch
import seaborn as sns
from google.colab import drive

drive.mount('/content/drive')
sns.set_theme()
palette = sns.color_palette()


def l1_reg(model):
    return sum(p.abs().sum() for p in model.parameters())


def plot_weights(model):
    return sns.histplot(l1_reg(model).item())
"""


def test_py_import_of_a_missing_package_costs_only_what_uses_it(sandbox, tmp_path):
    path = tmp_path / "regularization.py"
    path.write_text(SCRIPT, encoding="utf-8")
    student = StudentCode(sandbox, load_submission(path), "regularization", timeout=TEST_TIMEOUT)
    try:
        model = torch.nn.Linear(2, 2)
        assert torch.equal(student.l1_reg(model), sum(p.abs().sum() for p in model.parameters()))
        errors = {2: "ModuleNotFoundError: No module named 'seaborn'",
                  3: "ModuleNotFoundError: No module named 'google'",
                  5: "NameError: name 'drive' is not defined", 6: "NameError: name 'sns' is not defined",
                  7: "NameError: name 'sns' is not defined"}
        assert student.notes == [LOAD_FAILURE.format(filename="regularization.py", line=line, error=error)
                                 for line, error in errors.items()]
        with pytest.raises(StudentFault) as missing:
            student.plot_weights(model)
        why = FAILED_AT_LOAD.format(place="regularization.py, line 2", excerpt="import seaborn as sns",
                                    file="regularization.py", error=errors[2])
        assert str(missing.value).endswith(f"`sns` {why}")
    finally:
        student.close()


@pytest.mark.parametrize("script, error", [
    ("import math\nx = undefined_name\n", "NameError: name 'undefined_name' is not defined"),
    ("import seaborn\nraise RuntimeError('boom')\n", "RuntimeError: boom"),
    ("import seaborn as sns\nx = 1 / 0\nsns.set_theme()\n", "ZeroDivisionError: division by zero"),
])
def test_py_failures_other_than_imports_still_stop_the_load(sandbox, tmp_path, script, error):
    path = tmp_path / "regularization.py"
    path.write_text(script, encoding="utf-8")
    student = StudentCode(sandbox, load_submission(path), "regularization", timeout=TEST_TIMEOUT)
    with pytest.raises(StudentFault) as stopped:
        student.attribute("l1_reg")
    assert "regularization.py could not be loaded" in str(stopped.value) and error in str(stopped.value)
    student.close()


def test_py_future_annotations_apply_to_every_statement(tmp_path):
    path = tmp_path / "regularization.py"
    path.write_text("from __future__ import annotations\n\n\ndef l1_reg(model: Model) -> Tensor:\n    return 0\n",
                    encoding="utf-8")
    namespace, failures = run_like_the_child(load_submission(path))
    assert failures == [] and namespace["l1_reg"].__annotations__ == {"model": "Model", "return": "Tensor"}


def test_py_file_of_very_many_statements_runs_as_one_chunk(tmp_path):
    path = tmp_path / "regularization.py"
    text = "".join(f"X{i} = {i}\n" for i in range(MAX_KEPT_STATEMENTS + 1))
    path.write_text(text, encoding="utf-8")
    assert load_submission(path).chunks == (Chunk(text, "regularization.py", 1, False, text),)


def test_a_dangling_link_in_a_folder_is_chosen_and_refused(tmp_path):
    (tmp_path / "regularization.py").symlink_to(tmp_path / "moved.py")
    chosen = find_submission(tmp_path, "regularization")
    assert load_submission(chosen).problem == SYMBOLIC_LINK.format(name="regularization.py")
