"""Notebook setup the graded functions depend on is kept; training, downloads and plots never run.

A Neuromatch-style notebook sets `DEVICE = set_device()`, seeds with `SEED = 2021;
set_seed(SEED)`, computes constants (`N = int(1e3)`), picks a dtype in an if/else
block and decorates its functions. Grading keeps every definition plus the
assignments and keepable if/try blocks that bind names the graded functions read,
transitively; it drops loops, calls on their own and assignments nothing graded
reads (`model = train(...)`). What it keeps runs in the child under one shared
setup budget. When a name is missing because grading skipped or stopped the
statement setting it, the student's sentence says so.
"""
import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.feedback import StudentFault
from autograder.report import PASSED
from autograder.sandbox.chunks import SETUP_OVERRUN, compile_chunk
from autograder.sandbox.messages import LEFT_OUT, MAX_NOTES
from autograder.sandbox.remote import StudentCode
from autograder.submission import (
    FAILED_AT_LOAD,
    LOAD_FAILURE,
    NOT_RUN,
    NOT_RUN_REPLACES,
    NOT_RUN_UNPARSED,
    STATEMENTS_SKIPPED,
    explain_unset,
    load_submission,
    missing_global,
    setup_seconds,
)
from conftest import PROJECT, TEST_TIMEOUT

NOTEBOOK = "regularization.ipynb"
GRADED = ("l1_reg", "l2_reg", "dropout", "Dropout", "regularized_loss")
BUDGET = setup_seconds(TEST_TIMEOUT)

IMPORTS = """\
import functools
import random
import time

import numpy as np
import torch
import torch.nn as nn"""

SET_DEVICE = '''\
def set_device():
  """Use the GPU when there is one."""
  device = "cuda" if torch.cuda.is_available() else "cpu"
  if device != "cuda":
    print("GPU is not enabled in this notebook.")
  return device'''

SET_SEED = '''\
def set_seed(seed=None, seed_torch=True):
  if seed is None:
    seed = np.random.choice(2 ** 32)
  random.seed(seed)
  np.random.seed(seed)
  if seed_torch:
    torch.manual_seed(seed)
  print(f"Random seed {seed} has been set.")'''

SEEDING = "SEED = 2021\nset_seed(seed=SEED)\nDEVICE = set_device()"

CONSTANTS = """\
N = int(1e3)
LR = np.float64(0.01)
GRID = torch.linspace(0, 1, N)
P_RANGE = (float(GRID[0]), float(GRID[-1]))
P_DEFAULT = float(np.float64(0.5))
POWER = int("2")
unused = np.ones(3)"""

DTYPE_BLOCK = """\
if torch.cuda.is_available():
  DTYPE = torch.float16
else:
  DTYPE = torch.float32"""

HELPERS = '''\
def checked(function):
  """A decorator, as notebooks use them for timing or logging."""
  @functools.wraps(function)
  def wrapper(*args, **kwargs):
    return function(*args, **kwargs)
  return wrapper


def total(values):
  result = torch.zeros((), device=DEVICE, dtype=DTYPE)
  for value in values:
    result = result + value
  return result'''

L1_L2 = """\
@checked
def l1_reg(model):
  return total(param.abs().sum() for param in model.parameters())


def l2_reg(model):
  return total(param.pow(POWER).sum() for param in model.parameters())"""

DROPOUT = """\
def dropout(x, p, training=True):
  low, high = P_RANGE
  if not low <= p <= high:
    raise ValueError(f"p must be in [0, 1], got {p}")
  if not training or p == 0:
    return x
  if p == 1:
    return torch.zeros_like(x)
  mask = torch.rand_like(x) > p
  return x * mask / (1 - p)


class Dropout(nn.Module):
  def __init__(self, p=P_DEFAULT):
    super().__init__()
    self.p = p

  def forward(self, x):
    return dropout(x, self.p, training=self.training)"""

REGULARIZED_LOSS = """\
def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
  loss = criterion(output, target)
  if lambda1:
    loss = loss + lambda1 * l1_reg(model)
  if lambda2:
    loss = loss + lambda2 * l2_reg(model)
  return loss"""

# What a student leaves in the notebook after doing the exercises: none of it may run.
TRAINING = [
    "def train(model, epochs):\n  for epoch in range(epochs):\n    time.sleep(1)\n  return model\n\n\n"
    "net = nn.Linear(10, 2)\nmodel = train(net, epochs=10**9)",
    "while True:\n  pass",
    "time.sleep(1e9)",
    "losses = []\nfor epoch in range(10**9):\n  losses.append(l1_reg(net).item())",
]

SETUP_CELLS = [IMPORTS, SET_DEVICE, SET_SEED, SEEDING, CONSTANTS, DTYPE_BLOCK, HELPERS]
ANSWER_CELLS = [L1_L2, DROPOUT, REGULARIZED_LOSS]


def write_notebook(folder, sources, name=NOTEBOOK):
    """Save code cells (after a title cell, so cell k holds sources[k - 2]) and return the path."""
    cells = [new_markdown_cell("# Regularization")] + [new_code_cell(source) for source in sources]
    path = folder / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


def kept_sources(path, graded=GRADED):
    return [chunk.source for chunk in load_submission(path, graded).chunks]


@pytest.fixture
def load_in_child(sandbox):
    """Load a notebook in a confined child, as grading does, and close it afterwards."""
    opened = []

    def load(path, graded=GRADED):
        student = StudentCode(sandbox, load_submission(path, graded), "regularization", timeout=TEST_TIMEOUT)
        opened.append(student)
        student.attribute("__name__")  # the first request loads the submission
        return student

    yield load
    for student in opened:
        student.close()


# ---------------------------------------------------------------- which statements are kept


def test_neuromatch_setup_is_kept_and_training_dropped(tmp_path):
    kept = kept_sources(write_notebook(tmp_path, SETUP_CELLS + ANSWER_CELLS + TRAINING))
    for setup in ("SEED = 2021", "DEVICE = set_device()", "N = int(1e3)", "GRID = torch.linspace(0, 1, N)",
                  "P_RANGE = (float(GRID[0]), float(GRID[-1]))", "P_DEFAULT = float(np.float64(0.5))",
                  'POWER = int("2")', DTYPE_BLOCK, SET_DEVICE, SET_SEED, "def train(model, epochs):\n  "
                  "for epoch in range(epochs):\n    time.sleep(1)\n  return model"):
        assert setup in kept
    # Calls on their own, loops, and assignments the graded functions do not read.
    for dropped in ("set_seed(seed=SEED)", "LR = np.float64(0.01)", "unused = np.ones(3)",
                    "net = nn.Linear(10, 2)", "model = train(net, epochs=10**9)", "time.sleep(1e9)"):
        assert dropped not in kept
    assert "losses = []" in kept  # a literal constant, kept as always
    assert not [source for source in kept if source.startswith(("while", "for"))]


def test_setup_is_followed_through_assignments_and_functions(tmp_path):
    cells = [
        "import torch",
        "def scale_for(p):\n    return 1 / (1 - p) * FACTOR",
        "FACTOR = make_factor()\nBASE = FACTOR * 2\nTABLE = {p: scale_for(p) for p in (0.1, 0.5)}",
        "def make_factor():\n    return float(ONE)",
        "ONE = torch.ones(()).item()\nOTHER = torch.zeros(())",
        "def dropout(x, p):\n    return x * TABLE[p]",
    ]
    kept = kept_sources(write_notebook(tmp_path, cells))
    assert "TABLE = {p: scale_for(p) for p in (0.1, 0.5)}" in kept  # read by dropout
    assert "FACTOR = make_factor()" in kept  # read when scale_for runs in TABLE's value
    assert "ONE = torch.ones(()).item()" in kept  # read when make_factor runs
    assert "BASE = FACTOR * 2" not in kept and "OTHER = torch.zeros(())" not in kept


def test_setup_only_a_helper_needs_is_kept_only_without_graded_names(tmp_path):
    cells = ["import torch", "loader = download_dataset()", "def train():\n    return next(iter(loader))",
             "def dropout(x, p):\n    return x"]
    path = write_notebook(tmp_path, cells)
    assert "loader = download_dataset()" not in kept_sources(path)
    assert "loader = download_dataset()" in kept_sources(path, graded=None)  # every definition counts then


def test_setup_read_at_definition_time_is_kept_for_every_definition(tmp_path):
    # Decorators, default arguments and class bodies run when the notebook is loaded, graded or not.
    cells = ["import functools", "CACHE = functools.lru_cache(maxsize=SIZE)\nSIZE = int('8')",
             "@CACHE\ndef helper(n):\n    return n", "def plot(ax=make_axes()):\n    return ax",
             "class Trainer:\n    rate = float(RATE)", "RATE = str(0.1)",
             "def dropout(x, p):\n    return x"]
    kept = kept_sources(write_notebook(tmp_path, cells))
    assert {"CACHE = functools.lru_cache(maxsize=SIZE)", "SIZE = int('8')", "RATE = str(0.1)"} <= set(kept)


def test_setup_never_replaces_a_definition(tmp_path):
    cells = ["import torch", "def l2_reg(model):\n    return SCALE * sum(p.pow(2).sum() for p in model.parameters())",
             "l2_reg, SCALE = l2_reg(net), 1.0"]
    path = write_notebook(tmp_path, cells)
    loaded = load_submission(path, GRADED)
    assert "l2_reg, SCALE = l2_reg(net), 1.0" not in [chunk.source for chunk in loaded.chunks]
    expected = NOT_RUN_REPLACES.format(place="cell 4", excerpt="l2_reg, SCALE = l2_reg(net), 1.0", replaced="l2_reg")
    assert loaded.not_run["SCALE"] == expected


USES_DEVICE = "def dropout(x, p):\n    return x.to(DEVICE)"
GPU_CHOICE = "if USE_GPU:\n    DEVICE = 'cuda'\nelse:\n    DEVICE = 'cpu'"
RETRY = "try:\n    DEVICE = pick()\nexcept RuntimeError:\n    DEVICE = 'cpu'"


@pytest.mark.parametrize("block, kept", [
    (GPU_CHOICE, [GPU_CHOICE]),
    (RETRY, [RETRY]),
    ("if USE_GPU:\n    DEVICE = 'cuda'\n    print('GPU')\nelse:\n    DEVICE = 'cpu'", []),
    ("with torch.no_grad():\n    DEVICE = 'cpu'", []),
    ("for DEVICE in ('cpu',):\n    pass", []),
    ("DEVICE: str = pick()", ["DEVICE: str = pick()"]),
    ("DEVICE = 'c'\nDEVICE += pick()", ["DEVICE = 'c'", "DEVICE += pick()"]),
    ("DEVICE = pick()\nDEVICE.index = 0", ["DEVICE = pick()"]),
])
def test_only_blocks_of_keepable_statements_are_setup(tmp_path, block, kept):
    assert kept_sources(write_notebook(tmp_path, [block, USES_DEVICE])) == kept + [USES_DEVICE]


def test_a_block_defining_a_function_is_kept_like_a_definition(tmp_path):
    block = "if torch.cuda.is_available():\n    def to_device(x):\n        return x.cuda()\n" \
            "else:\n    def to_device(x):\n        return x"
    assert block in kept_sources(write_notebook(tmp_path, ["import torch", block]))


def test_only_statements_that_run_student_code_are_timed(tmp_path):
    guard = "try:\n    import wandb\nexcept ImportError:\n    wandb = None"
    path = write_notebook(tmp_path, ["import torch", guard, "X = 1", "DEVICE = pick()", "def pick():\n    return 1"])
    timed = {chunk.source: chunk.timed for chunk in load_submission(path, ["pick", "DEVICE"]).chunks}
    assert timed == {"import torch": False, guard: False, "X = 1": True, "DEVICE = pick()": True,
                     "def pick():\n    return 1": True}


def test_future_annotations_reach_later_cells(tmp_path):
    cells = ["from __future__ import annotations", "def dropout(x: Tensor, p: float) -> Tensor:\n    return x"]
    namespace = {}
    for chunk in load_submission(write_notebook(tmp_path, cells), GRADED).chunks:
        exec(compile_chunk(chunk), namespace)  # an annotation naming an undefined class does not run
    assert namespace["dropout"].__annotations__["x"] == "Tensor"


def test_skipped_statements_note_counts_them(tmp_path):
    loaded = load_submission(write_notebook(tmp_path, SETUP_CELLS + ANSWER_CELLS + TRAINING))
    # set_seed(...); LR and unused; net and model; the while loop; the sleep; the for loop.
    cells = "cells 5, 6, 12, 13, 14 and 15"
    assert loaded.notes == (STATEMENTS_SKIPPED.format(statements="8 statements", cells=cells, name=NOTEBOOK),)


# ---------------------------------------------------------------- graded end to end


def test_neuromatch_notebook_with_endless_training_gets_full_marks(grade2, tmp_path):
    # Had any training cell run, loading would have waited out its time limit and every test would be 0.
    report = grade2(write_notebook(tmp_path, SETUP_CELLS + ANSWER_CELLS + TRAINING))
    assert [(r.name, r.feedback) for r in report.results if r.status != PASSED] == []
    assert report.score == report.max_score > 0
    assert not [note for note in report.notes if "statement skipped" in note], report.notes


def test_setup_over_the_budget_is_stopped_and_the_rest_loads(load_in_child, tmp_path):
    cells = [
        "import time\nimport torch",
        "def wait_forever():\n    while True:\n        try:\n            time.sleep(1)\n"
        "        except Exception:\n            pass  # a student's retry loop: must not swallow the stop",
        "STATE = wait_forever()",
        "def helper():\n    return STATE",
        "@wait_forever()\ndef decorated():\n    return 1",
        "class Slow:\n    time.sleep(1e9)",
        "def l1_reg(model):\n    helper()\n    return sum(p.abs().sum() for p in model.parameters())",
        "def l2_reg(model):\n    return sum(p.pow(2).sum() for p in model.parameters())",
    ]
    student = load_in_child(write_notebook(tmp_path, cells))
    overrun = SETUP_OVERRUN.format(seconds=BUDGET)
    assert student.notes == [LOAD_FAILURE.format(filename=f"{NOTEBOOK}, cell {cell}", line=1, error=overrun)
                             for cell in (4, 6, 7)]
    model = torch.nn.Linear(2, 2)
    assert torch.equal(student.l2_reg(model), sum(p.pow(2).sum() for p in model.parameters()))
    with pytest.raises(StudentFault) as stopped:
        student.l1_reg(model)
    why = FAILED_AT_LOAD.format(place="cell 4", excerpt="STATE = wait_forever()", file=NOTEBOOK, error=overrun)
    assert str(stopped.value).endswith(f"`STATE` {why}")


def test_name_set_only_in_a_loop_is_explained(load_in_child, tmp_path):
    cells = ["import torch", "for power in (1, 2):\n    SCALE = power",
             "def l2_reg(model):\n    return SCALE * sum(p.pow(2).sum() for p in model.parameters())"]
    student = load_in_child(write_notebook(tmp_path, cells))
    with pytest.raises(StudentFault) as missing:
        student.l2_reg(torch.nn.Linear(2, 2))
    why = NOT_RUN.format(place="cell 3", excerpt="for power in (1, 2): ...")
    assert str(missing.value) == (f"l2_reg(Linear(in_features=2, out_features=2, bias=True)) raised NameError: "
                                  f"name 'SCALE' is not defined ({NOTEBOOK}, cell 4, line 2). `SCALE` {why}")


def test_name_whose_statement_failed_is_explained_with_its_error(load_in_child, tmp_path):
    cells = ["import torch", 'DEVICE = torch.device("tpu")', "def dropout(x, p):\n    return x.to(DEVICE)"]
    student = load_in_child(write_notebook(tmp_path, cells))
    (note,) = student.notes
    assert note.startswith(f"{NOTEBOOK}, cell 3, line 1: RuntimeError: ")
    with pytest.raises(StudentFault) as missing:
        student.dropout(torch.ones(2), 0.5)
    error = note.split(": ", 1)[1].removesuffix(" (statement skipped)")
    why = FAILED_AT_LOAD.format(place="cell 3", excerpt='DEVICE = torch.device("tpu")', file=NOTEBOOK, error=error)
    assert str(missing.value).endswith(f"`DEVICE` {why}")


def test_graded_name_defined_in_a_cell_that_does_not_parse_is_explained(load_in_child, tmp_path):
    cells = ["import torch", "def dropout(x, p):\n    return (x * p", "def l1_reg(model):\n    return 0"]
    student = load_in_child(write_notebook(tmp_path, cells))
    with pytest.raises(StudentFault) as missing:
        student.attribute("dropout")
    why = NOT_RUN_UNPARSED.format(place="cell 3", error="line 2: '(' was never closed")
    assert str(missing.value) == f"{NOTEBOOK} does not define `dropout`: it {why}"


def test_reference_solution_keeps_its_plain_sentences(tmp_path):
    reference = (PROJECT / "reference" / "assignment2" / "regularization.py").read_text()
    path = write_notebook(tmp_path, [reference])
    loaded = load_submission(path, GRADED)
    assert loaded.not_run == {}
    assert explain_unset(loaded, "undefined_name", set(), []) is None
    assert explain_unset(loaded, "l1_reg", {"l1_reg"}, []) is None


@pytest.mark.parametrize("message, name", [
    ("name 'losses' is not defined", "losses"),
    ("name 'Δt' is not defined", "Δt"),
    ("cannot access free variable 'x' where it is not associated with a value in enclosing scope", None),
    ("local variable 'y' referenced before assignment", None),
])
def test_missing_global_reads_only_module_name_errors(message, name):
    assert missing_global(message) == name


def test_load_failures_are_listed_up_to_a_cap(load_in_child, tmp_path):
    cells = ["\n".join(f"import missing_package_{i}" for i in range(MAX_NOTES + 5)),
             "def dropout(x, p):\n    return x"]
    student = load_in_child(write_notebook(tmp_path, cells))
    assert len(student.notes) == MAX_NOTES
    assert student.notes[-1] == LEFT_OUT.format(count=6)
    assert "dropout" in student.names
