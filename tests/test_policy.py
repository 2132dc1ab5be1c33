"""Tests of autograder.policy: the static policy on a submission's source, as tables.

Attacks (tests/submissions/policy/own_*.py and plain_*.py, the hostile submissions, inline
snippets) must be caught with the right rule, line and charged names; the precision corpus
(references, stubs, every submission and mistake variant in tests/, the seed tutorials'
code, a file of notebook idioms, inline idioms) must give no violation at all.
"""

import ast
import sys
import warnings

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.assignments import load_assignment
from autograder.policy import (
    AT_LOAD,
    CONCURRENCY,
    CTYPES,
    EXEC,
    FRAMES,
    GC,
    GRADER,
    HANDS_ON,
    IMPORT,
    INTROSPECTION,
    MONKEYPATCH,
    OWN_WORK,
    OWN_WORK_WHY,
    PLACE,
    REFLECTION,
    RULE_WHY,
    THROUGH_HOLDER,
    THROUGH_MODULE,
    TORCH_INTERNALS,
    USES,
    Violation,
    check,
)
from autograder.submission import Chunk, load_submission
from conftest import PROJECT, SUBMISSIONS
from submissions.assignment1.mistakes import MISTAKES as MISTAKES1
from submissions.assignment2.mistakes import MISTAKES as MISTAKES2
from submissions.assignment3.mistakes import MISTAKES as MISTAKES3
from submissions.assignment4.mistakes import MISTAKES as MISTAKES4
from submissions.mutations import with_mistakes

POLICY = SUBMISSIONS / "policy"
SEEDS = sorted((POLICY / "seeds").glob("seed_*.py"))
ASSIGNMENTS = {name: load_assignment(name) for name in ("assignment1", "assignment2", "assignment3", "assignment4")}
EVERY = ("Dropout", "dropout", "l1_reg", "l2_reg", "regularized_loss")  # assignment 2, sorted
MODULES = {"assignment1": "narrow_lnn", "assignment2": "regularization", "assignment3": "optimizers",
           "assignment4": "splits"}
MISTAKES = {"assignment1": MISTAKES1, "assignment2": MISTAKES2, "assignment3": MISTAKES3, "assignment4": MISTAKES4}
# Mistakes that delegate, and the graded names charged: the function and those that call it.
DELEGATING_MISTAKES = {"dropout_calls_torch": ("dropout",), "Dropout_uses_nn_dropout": ("Dropout",),
                       "sgd_step_calls_torch_optim": ("sgd_step",),
                       "train_dev_test_split_random_split": ("train_dev_test_split",),
                       "kfold_indices_calls_sklearn": ("kfold_indices",)}


def verdicts(path, assignment="assignment2") -> list[tuple]:
    """Check a submission file against an assignment; return (rule, line, charged names) sorted."""
    return summary(policy_of(load_submission(path), assignment))


def policy_of(submission, assignment="assignment2") -> list[Violation]:
    config = ASSIGNMENTS[assignment]
    assert submission.problem is None or not submission.chunks, submission.problem
    return check(submission.chunks, config.functions, config.banned)


def summary(violations) -> list[tuple]:
    return sorted((v.rule, v.line, tuple(sorted(v.charged))) for v in violations)


def source_verdicts(source: str, assignment="assignment2") -> list[tuple]:
    chunk = Chunk(source, "regularization.py", 1, False, source)
    config = ASSIGNMENTS[assignment]
    return summary(check((chunk,), config.functions, config.banned))


def as_notebook(cells: list[str], tmp_path, name="regularization.ipynb"):
    """Write cells as a notebook and load it, so chunks come as the loader cuts notebooks."""
    path = tmp_path / name
    nbformat.write(new_notebook(cells=[new_code_cell(cell) for cell in cells]), path)
    return load_submission(path)


def defined_names(source: str) -> tuple[str, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tutorials' LaTeX docstrings hold invalid escapes
        body = ast.parse(source).body
    return tuple(dict.fromkeys(n.name for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef))))


# ---------------------------------------------------------------- attacks, one file each

ATTACKS = [
    # Own work: every route to the routine the exercise re-implements.
    ("own_direct.py", "assignment2", [(OWN_WORK, 15, ("dropout",))]),
    ("own_helper.py", "assignment2", [(OWN_WORK, 11, ("dropout",))]),
    ("own_partial.py", "assignment2", [(OWN_WORK, 12, ("dropout",)), (OWN_WORK, 22, ("Dropout",))]),
    ("own_alias.py", "assignment2", [(OWN_WORK, 9, ("Dropout",)), (OWN_WORK, 13, ("dropout",))]),
    ("own_lambda.py", "assignment2", [(OWN_WORK, 4, ("dropout",))]),
    ("own_method.py", "assignment2", [(OWN_WORK, 10, ("dropout",))]),
    ("own_default_argument.py", "assignment2", [(OWN_WORK, 5, ("dropout",))]),
    ("own_decorator.py", "assignment2", [(OWN_WORK, 11, ("dropout",))]),
    ("own_aten.py", "assignment2", [(OWN_WORK, 6, ("dropout",))]),
    ("own_native.py", "assignment2", [(OWN_WORK, 8, ("dropout",))]),
    ("own_vf.py", "assignment2", [(OWN_WORK, 6, ("dropout",))]),
    ("own_modules_path.py", "assignment2", [(OWN_WORK, 9, ("Dropout",))]),
    ("own_getattr_concat.py", "assignment2", [(OWN_WORK, 8, ("dropout",))]),
    ("own_vars.py", "assignment2", [(OWN_WORK, 6, ("dropout",))]),
    ("own_dict.py", "assignment2", [(OWN_WORK, 6, ("dropout",))]),
    ("own_wrapped.py", "assignment2", [(OWN_WORK, 6, ("dropout",))]),
    ("own_exec_filename.py", "assignment2", [(EXEC, 12, ("dropout",)), (OWN_WORK, 11, ("dropout",))]),
    ("own_thread.py", "assignment2", [(CONCURRENCY, 13, ("dropout",)), (OWN_WORK, 8, ("dropout",))]),
    ("own_gc_recorder.py", "assignment2", [(GC, 8, ("dropout",)), (OWN_WORK, 14, ("dropout",))]),
    ("own_module_handoff.py", "assignment2", [(OWN_WORK, 14, ("dropout",))]),
    ("own_star_import.py", "assignment2", [(OWN_WORK, 6, ("dropout",)), (OWN_WORK, 15, ("Dropout",))]),
    ("own_import_as_graded.py", "assignment2", [(OWN_WORK, 2, ("Dropout",)), (OWN_WORK, 3, ("dropout",))]),
    ("own_global_rebind.py", "assignment2", [(OWN_WORK, 9, ("dropout",))]),
    ("own_registry.py", "assignment2", [(OWN_WORK, 5, ("dropout",))]),
    ("own_subclass.py", "assignment2", [(OWN_WORK, 5, ("Dropout",))]),
    ("own_importlib.py", "assignment2", [(IMPORT, 6, ("dropout",)), (OWN_WORK, 7, ("dropout",))]),
    ("own_adam_kernel.py", "assignment3", [(OWN_WORK, 13, ("adam_step",))]),
    ("own_optim_functional.py", "assignment3", [(OWN_WORK, 8, ("sgd_step",))]),
    ("own_random_split_helper.py", "assignment4", [(OWN_WORK, 12, ("train_dev_test_split", "train_test_split"))]),
    # Plain exercise code: one file per rule; what runs at load time costs every graded name.
    ("plain_exec.py", "assignment2", [(EXEC, 6, ("l2_reg",))]),
    ("plain_dynamic_import.py", "assignment2", [(IMPORT, 9, ("l1_reg", "regularized_loss"))]),
    ("plain_grader_import.py", "assignment2", [(GRADER, 6, EVERY), (MONKEYPATCH, 13, EVERY)]),
    ("plain_reflection.py", "assignment2", [(MONKEYPATCH, 15, ("dropout",)),
                                            (REFLECTION, 10, ("l1_reg", "regularized_loss"))]),
    ("plain_monkeypatch.py", "assignment2", [(MONKEYPATCH, line, EVERY) for line in range(17, 22)]),
    ("plain_monkeypatch_in_function.py", "assignment2", [(MONKEYPATCH, 17, ("l2_reg", "regularized_loss"))]),
    ("plain_introspection.py", "assignment2", [(INTROSPECTION, 6, ("l1_reg",))]),
    ("plain_ctypes.py", "assignment2", [(CTYPES, 9, ("l2_reg",))]),
    ("plain_frames.py", "assignment2", [(FRAMES, 12, ("Dropout", "dropout")), (FRAMES, 13, ("Dropout", "dropout"))]),
    ("plain_settrace.py", "assignment2", [(FRAMES, 11, EVERY)]),
    ("plain_signal.py", "assignment2", [(CONCURRENCY, 11, EVERY)]),
    ("plain_subprocess.py", "assignment2", [(CONCURRENCY, 7, ("regularized_loss",)),
                                            (CONCURRENCY, 11, ("regularized_loss",))]),
    ("plain_torch_internals.py", "assignment2", [(TORCH_INTERNALS, 4, EVERY),
                                                 (TORCH_INTERNALS, 8, ("regularized_loss",))]),
]


@pytest.mark.parametrize("name, assignment, expected", ATTACKS, ids=[attack[0] for attack in ATTACKS])
def test_attack_is_caught_with_its_line_and_charged_names(name, assignment, expected):
    assert verdicts(POLICY / name, assignment) == sorted(expected)


def test_every_attack_file_is_in_the_table():
    files = {path.name for path in POLICY.glob("*.py") if path.name.startswith(("own_", "plain_"))}
    assert files == {attack[0] for attack in ATTACKS}


def test_every_rule_has_an_attack():
    rules = {rule for _, _, expected in ATTACKS for rule, _, _ in expected}
    assert rules == {OWN_WORK, *RULE_WHY}


# Already in the project: hostile submissions written against the sandbox.
HOSTILE = [
    ("fork_bomb.py", [(CONCURRENCY, 30, ("dropout",))]),
    ("fork_children.py", [(CONCURRENCY, 37, ("l1_reg",)), (CTYPES, 26, ("l1_reg",))]),
    ("kill_parent.py", [(CONCURRENCY, 20, EVERY)]),
    ("monkeypatch.py", [(MONKEYPATCH, line, EVERY) for line in (*range(48, 59), 62)]),
    ("overwrite_tests.py", [(IMPORT, 48, EVERY), (REFLECTION, 23, EVERY)]),
    ("read_reference.py", [(REFLECTION, 21, EVERY)]),
    ("reduce_payload.py", [(CONCURRENCY, 17, EVERY)]),
    ("segfault.py", [(CTYPES, 16, ("l1_reg",))]),
    # Left to the sandbox: they misbehave with plain code.
    ("always_equal.py", []), ("infinite_loop.py", []), ("memory_bomb.py", []), ("network.py", []),
    ("os_exit.py", []), ("sleep_forever.py", []), ("sys_exit.py", []),
]


@pytest.mark.parametrize("name, expected", HOSTILE, ids=[hostile[0] for hostile in HOSTILE])
def test_hostile_submissions(name, expected):
    assert verdicts(SUBMISSIONS / "assignment2" / "hostile" / name) == sorted(expected)


# ---------------------------------------------------------------- attacks, inline variants

DROP = "import torch\nimport torch.nn.functional as F\n\n\ndef dropout(x, p, training=True):\n    {body}\n"
DROPOUT_ONLY = [(OWN_WORK, 6, ("dropout",))]
INLINE_ATTACKS = [
    ("sys.modules", "import sys\n" + DROP.replace("{body}", 'return sys.modules["torch.nn.functional"].dropout(x)'),
     [(OWN_WORK, 7, ("dropout",))]),  # the frames rule on the same line is not repeated
    ("object.__getattribute__", DROP.format(body='return object.__getattribute__(F, "dropout")(x, p)'), DROPOUT_ONLY),
    ("bound __getattribute__", DROP.format(body='return F.__getattribute__("dropout")(x, p)'), DROPOUT_ONLY),
    ("attrgetter", "import operator\n" + DROP.replace("{body}", 'return operator.attrgetter("dropout")(F)(x)'),
     [(OWN_WORK, 7, ("dropout",))]),
    ("__import__ with fromlist", DROP.format(
        body='return __import__("torch.nn.functional", fromlist=["x"]).dropout(x, p)'), DROPOUT_ONLY),
    ("__import__ of the package", DROP.format(body='return __import__("torch").nn.functional.dropout(x, p)'),
     DROPOUT_ONLY),
    ("aten overload", DROP.format(body="return torch.ops.aten.native_dropout.default(x, p, training)[0]"),
     DROPOUT_ONLY),
    ("alpha_dropout", DROP.format(body="return torch.alpha_dropout(x, p, training)"), DROPOUT_ONLY),
    ("a local alias of the module", DROP.format(body="m = torch.nn.functional; return m.dropout(x, p)"),
     DROPOUT_ONLY),
    ("an alias chosen at run time", DROP.format(body="m = F if training else torch; return m.dropout(x, p)"),
     DROPOUT_ONLY),
    ("a walrus alias", DROP.format(body="return (m := F).dropout(x, p)"), DROPOUT_ONLY),
    ("a comprehension hands the module on", DROP.format(
        body='return [getattr(m, "dropout") for m in [F]][0](x, p)'), DROPOUT_ONLY),
    ("a comprehension produces the module", DROP.format(body='return [F for _ in "a"][0].dropout(x, p)'),
     DROPOUT_ONLY),
    ("a lambda returns the module", DROP.format(body='return getattr((lambda: F)(), "dropout")(x, p)'),
     DROPOUT_ONLY),
    ("a local import", "def dropout(x, p, training=True):\n    from torch.nn.functional import dropout as d\n"
                       "    return d(x, p, training)\n", [(OWN_WORK, 3, ("dropout",))]),
    ("a nested function", DROP.format(body="def inner(y):\n        return F.dropout(y, p)\n    return inner(x)"),
     [(OWN_WORK, 7, ("dropout",))]),
    ("a registry filled by a function at load time", "import torch.nn.functional as F\n\nOPS = []\n\n\n"
                                                     "def _fill():\n    OPS.append(F.dropout)\n\n\n_fill()\n\n\n"
                                                     "def dropout(x, p, training=True):\n    return OPS[0](x, p)\n",
     [(OWN_WORK, 7, ("dropout",))]),
    ("a method added to the class by a decorator", "import torch.nn as nn\nimport torch.nn.functional as F\n\n\n"
                                                   "def add_to_class(cls):\n    def wrap(function):\n"
                                                   "        setattr(cls, function.__name__, function)\n"
                                                   "    return wrap\n\n\nclass Dropout(nn.Module):\n    pass\n\n\n"
                                                   "@add_to_class(Dropout)\ndef forward(self, x):\n"
                                                   "    return F.dropout(x, 0.5)\n",
     [(OWN_WORK, 17, ("Dropout",))]),
    ("a method added to the class by setattr", "import torch.nn as nn\nimport torch.nn.functional as F\n\n\n"
                                               "class Dropout(nn.Module):\n    pass\n\n\n"
                                               "def _forward(self, x):\n    return F.dropout(x, 0.5)\n\n\n"
                                               "setattr(Dropout, 'forward', _forward)\n",
     [(OWN_WORK, 10, ("Dropout",))]),
    ("a class attribute", "import torch.nn as nn\nimport torch.nn.functional as F\n\n\nclass Dropout(nn.Module):\n"
                          "    drop = F.dropout\n\n    def forward(self, x):\n        return self.drop(x)\n",
     [(OWN_WORK, 6, ("Dropout",))]),
    ("a metaclass keyword", "import torch.nn as nn\n\n\nclass Dropout(nn.Module, metaclass=type(nn.Dropout)):\n"
                            "    pass\n", [(OWN_WORK, 4, ("Dropout",))]),
    ("an inherited helper class", "import torch.nn as nn\n\n\nclass _Base(nn.Dropout):\n    pass\n\n\n"
                                  "class Dropout(_Base):\n    pass\n", [(OWN_WORK, 4, ("Dropout",))]),
    ("sklearn under an alias", "import numpy as np\nimport sklearn.model_selection as ms\n\n\n"
                               "def kfold_indices(n, k, seed=None):\n"
                               "    return list(ms.KFold(k, shuffle=True).split(np.arange(n)))\n",
     [(OWN_WORK, 6, ("kfold_indices",))]),
    ("an old sklearn module", "from sklearn.cross_validation import train_test_split\n",
     [(OWN_WORK, 1, ("train_test_split",))]),
    ("a learning-rate scheduler", "import torch\n\n\ndef sgd_step(theta, grad, lr):\n"
                                  "    torch.optim.lr_scheduler.StepLR\n    return theta - lr * grad\n",
     [(OWN_WORK, 5, ("sgd_step",))]),
]
INLINE_B = [
    ("exec at module level", "exec('x = 1')\n", [(EXEC, 1, EVERY)]),
    ("compile in a graded function", "def l1_reg(model):\n    return compile('1', 'x', 'eval')\n",
     [(EXEC, 2, ("l1_reg",))]),
    ("importlib.reload", "import importlib\nimport torch\n\n\ndef l1_reg(model):\n    importlib.reload(torch)\n",
     [(IMPORT, 6, ("l1_reg",))]),
    ("importing the grader inside a function", "def l2_reg(model):\n    import autograder.sandbox.probes\n",
     [(GRADER, 2, ("l2_reg",))]),
    ("importing the grader by name", "import importlib\n\n\ndef l2_reg(model):\n"
                                     "    return importlib.import_module('autograder')\n",
     [(GRADER, 5, ("l2_reg",)), (IMPORT, 5, ("l2_reg",))]),
    ("getattr on a module by a computed name", "import torch\n\n\ndef l1_reg(model, name='abs'):\n"
                                               "    return getattr(torch, name)\n", [(REFLECTION, 5, ("l1_reg",))]),
    ("vars of a class", "import torch\n\n\ndef l1_reg(model):\n    return vars(torch.Tensor)\n",
     [(REFLECTION, 5, ("l1_reg",))]),
    ("__dict__ of a module", "import torch.nn.functional as F\n\n\ndef l1_reg(model):\n    return F.__dict__.keys()\n",
     [(REFLECTION, 5, ("l1_reg",))]),
    ("globals()", "def l1_reg(model):\n    globals()['l2_reg'] = l1_reg\n", [(REFLECTION, 2, ("l1_reg",))]),
    ("getattr handed on as a value", "import functools\n\n\ndef l1_reg(model):\n"
                                     "    return functools.reduce(getattr, ['a'], model)\n",
     [(REFLECTION, 5, ("l1_reg",))]),
    ("setattr by a computed name on a module", "import numpy as np\n\n\ndef l1_reg(model, name):\n"
                                               "    setattr(np, name, True)\n", [(MONKEYPATCH, 5, ("l1_reg",))]),
    ("setattr of a function on a module", "import numpy as np\n\n\ndef l1_reg(model, name='isclose'):\n"
                                          "    setattr(np, name, print)\n", [(MONKEYPATCH, 5, ("l1_reg",))]),
    ("delattr", "import torch\n\n\ndef l1_reg(model):\n    delattr(torch, 'allclose')\n",
     [(MONKEYPATCH, 5, ("l1_reg",))]),
    ("del", "import torch\n\n\ndef l1_reg(model):\n    del torch.allclose\n", [(MONKEYPATCH, 5, ("l1_reg",))]),
    ("a class's method through type()", "def l1_reg(model):\n    type(model).parameters = lambda self: iter(())\n",
     [(MONKEYPATCH, 2, ("l1_reg",))]),
    ("a class's method through __class__", "def l1_reg(model):\n    model.__class__.forward = None\n",
     [(MONKEYPATCH, 2, ("l1_reg",))]),
    ("a class's method through an alias of type()", "def l1_reg(model):\n    cls = type(model)\n"
                                                    "    cls.parameters = lambda self: iter(())\n",
     [(MONKEYPATCH, 3, ("l1_reg",))]),
    ("a class's flag through __class__", "def l1_reg(model):\n    model.__class__.training = True\n",
     [(MONKEYPATCH, 2, ("l1_reg",))]),
    ("a property of torch.Tensor set to a constant", "import torch\n\ntorch.Tensor.requires_grad = True\n",
     [(MONKEYPATCH, 3, EVERY)]),
    ("builtins set to a constant", "import builtins\n\nbuiltins.abs = 0\n", [(MONKEYPATCH, 3, EVERY)]),
    ("a module alias", "import torch\n\ntesting = torch.testing\ntesting.assert_close = print\n",
     [(MONKEYPATCH, 4, EVERY)]),
    ("a call in an annotation", "def l1_reg(model: exec('1')):\n    return model\n", [(EXEC, 1, EVERY)]),
    ("in a class body", "import torch\n\n\nclass Dropout:\n    torch.allclose = staticmethod(print)\n",
     [(MONKEYPATCH, 5, EVERY)]),
    ("in a default value", "import torch\n\n\ndef l1_reg(model, _=setattr(torch, 'allclose', print)):\n"
                           "    return model\n", [(MONKEYPATCH, 4, EVERY)]),
    ("in a decorator's body", "import torch\n\n\ndef patched(function):\n    torch.allclose = print\n"
                              "    return function\n\n\n@patched\ndef l1_reg(model):\n    return model\n",
     [(MONKEYPATCH, 5, EVERY)]),
    ("in a helper called at load time", "import numpy as np\n\n\ndef _patch():\n    np.isclose = print\n\n\n"
                                        "_patch()\n", [(MONKEYPATCH, 5, EVERY)]),
    ("the object's class", "def dropout(x, p, training=True):\n    x.__class__ = object\n",
     [(INTROSPECTION, 2, ("dropout",))]),
    ("a function's code", "def l1_reg(model):\n    l2_reg.__code__ = l1_reg.__code__\n",
     [(INTROSPECTION, 2, ("l1_reg",))]),
    ("__subclasses__", "def l1_reg(model):\n    return object.__subclasses__()\n", [(INTROSPECTION, 2, ("l1_reg",))]),
    ("__builtins__", "def l1_reg(model):\n    return __builtins__\n", [(INTROSPECTION, 2, ("l1_reg",))]),
    ("a closure's cells", "def l1_reg(model):\n    return model.forward.__closure__\n",
     [(INTROSPECTION, 2, ("l1_reg",))]),
    ("getattr of a dunder", "def l1_reg(model):\n    return getattr(model.forward, '__wrapped__')\n",
     [(INTROSPECTION, 2, ("l1_reg",))]),
    ("gc.get_referrers", "import gc\n\n\ndef l1_reg(model):\n    return gc.get_referrers(model)\n",
     [(GC, 5, ("l1_reg",))]),
    ("from gc import", "from gc import get_objects\n\n\ndef l1_reg(model):\n    return get_objects()\n",
     [(GC, 5, ("l1_reg",))]),
    ("ctypes.pythonapi", "import ctypes\n\n\ndef l1_reg(model):\n    return ctypes.pythonapi\n",
     [(CTYPES, 5, ("l1_reg",))]),
    ("inspect", "import inspect\n\n\ndef dropout(x, p, training=True):\n    return inspect.stack()\n",
     [(FRAMES, 5, ("dropout",))]),
    ("setprofile", "import sys\n\n\ndef dropout(x, p, training=True):\n    sys.setprofile(None)\n",
     [(FRAMES, 5, ("dropout",))]),
    ("a traceback's frame", "def dropout(x, p, training=True):\n    try:\n        1 / 0\n"
                            "    except ZeroDivisionError as error:\n        return error.__traceback__.tb_frame\n",
     [(FRAMES, 5, ("dropout",)), (INTROSPECTION, 5, ("dropout",))]),
    ("a frame's caller", "def dropout(x, p, training=True, frame=None):\n    return frame.f_back\n",
     [(FRAMES, 2, ("dropout",))]),
    ("sys.modules at load time", "import sys\n\nsys.modules['torch'] = None\n", [(FRAMES, 3, EVERY)]),
    ("a stack summary", "import traceback\n\n\ndef dropout(x, p, training=True):\n"
                        "    return traceback.extract_stack()\n", [(FRAMES, 5, ("dropout",))]),
    ("global forward hooks", "import torch\n\n\ndef l1_reg(model):\n"
                             "    torch.nn.modules.module.register_module_forward_hook(print)\n",
     [(FRAMES, 5, ("l1_reg",))]),
    ("a process pool", "import multiprocessing\n\n\ndef l1_reg(model):\n    multiprocessing.Pool(2)\n",
     [(CONCURRENCY, 5, ("l1_reg",))]),
    ("an executor", "from concurrent.futures import ThreadPoolExecutor\n\n\ndef l1_reg(model):\n"
                    "    ThreadPoolExecutor()\n", [(CONCURRENCY, 5, ("l1_reg",))]),
    ("os.execv", "import os\n\n\ndef l1_reg(model):\n    os.execv('/bin/true', ['true'])\n",
     [(CONCURRENCY, 5, ("l1_reg",))]),
    ("an exit hook", "import atexit\n\natexit.register(print)\n", [(CONCURRENCY, 3, EVERY)]),
    ("torch.jit.fork", "import torch\n\n\ndef l1_reg(model):\n    return torch.jit.fork(print)\n",
     [(CONCURRENCY, 5, ("l1_reg",))]),
    ("torch._C", "from torch import _C\n\n\ndef l1_reg(model):\n    return _C._get_tracing_state()\n",
     [(TORCH_INTERNALS, 5, ("l1_reg",))]),
    ("torch.library", "import torch\n\n\ndef l1_reg(model):\n    torch.library.impl('aten::abs', 'CPU')\n",
     [(TORCH_INTERNALS, 5, ("l1_reg",))]),
]


@pytest.mark.parametrize("source, expected", [case[1:] for case in INLINE_ATTACKS + INLINE_B],
                         ids=[case[0] for case in INLINE_ATTACKS + INLINE_B])
def test_inline_attack_is_caught(source, expected):
    assignment = ("assignment4" if "_split" in source or "kfold" in source
                  else "assignment3" if "sgd_step" in source else "assignment2")
    assert source_verdicts(source, assignment) == sorted(expected)


# ---------------------------------------------------------------- who is charged


def test_a_violation_in_a_helper_costs_every_graded_name_that_calls_it_and_no_other():
    source = ("import importlib\n\n\ndef _helper():\n    importlib.import_module('math')\n\n\n"
              "def l1_reg(model):\n    return _helper()\n\n\ndef l2_reg(model):\n    return 0\n\n\n"
              "def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):\n"
              "    return l1_reg(model) + l2_reg(model)\n")
    assert source_verdicts(source) == [(IMPORT, 5, ("l1_reg", "regularized_loss"))]


def test_code_no_graded_name_reaches_costs_nothing():
    source = ("import threading\nimport torch.nn.functional as F\n\n\ndef plot_masks(x):\n"
              "    threading.Thread(target=print).start()\n    return F.dropout(x, 0.5)\n\n\n"
              "def dropout(x, p, training=True):\n    return x\n")
    assert source_verdicts(source) == []


def test_a_local_name_does_not_reach_a_module_level_function_of_the_same_name():
    source = ("import numpy as np\nimport torch\n\n\ndef train(model):\n    torch.optim.SGD(model.parameters())\n\n\n"
              "def train_test_split(data, labels, train_prop=0.8, seed=None):\n"
              "    order = np.random.default_rng(seed).permutation(len(labels))\n"
              "    train, test = order[:8], order[8:]\n    return data[train], data[test], labels[train], labels[test]\n")
    config = ASSIGNMENTS["assignment4"]
    banned = {name: ASSIGNMENTS["assignment3"].banned["sgd_step"] for name in config.functions}
    assert check((Chunk(source, "splits.py", 1, False, source),), config.functions, banned) == []


def test_what_runs_under_a_main_guard_costs_nothing():
    source = "import torch\n\nif __name__ == '__main__':\n    torch.allclose = print\n"
    assert source_verdicts(source) == []


def test_a_membership_test_on_sys_modules_costs_only_graded_code_that_makes_it():
    source = ("import sys\n\nIN_COLAB = 'google.colab' in sys.modules\n\n\n"
              "def l1_reg(model):\n    return 'torch' in sys.modules\n")
    assert source_verdicts(source) == [(FRAMES, 7, ("l1_reg",))]


def test_a_graded_name_that_depends_on_a_module_level_value_reaches_what_made_it():
    source = ("import torch.nn as nn\n\nLAYER = nn.Dropout(0.5)\n\n\n"
              "class Dropout(nn.Module):\n    def forward(self, x):\n        return LAYER(x)\n")
    assert source_verdicts(source) == [(OWN_WORK, 3, ("Dropout",))]


def test_undefined_graded_names_are_charged_only_by_code_that_runs_at_load_time():
    source = "import torch\n\ntorch.allclose = print\n"
    [violation] = check((Chunk(source, "x.py", 1, False, source),), ("a", "b"), {})
    assert violation.charged == {"a", "b"}
    assert check((Chunk("import gc\n", "x.py", 1, False, "import gc\n"),), ("a",), {}) == []


# ---------------------------------------------------------------- sentences


def test_the_sentence_for_a_direct_use_names_the_routine_and_the_line():
    [violation] = policy_of(load_submission(POLICY / "own_direct.py"))
    place = PLACE.format(filename="own_direct.py", line=15)
    assert violation.sentence == USES.format(names="dropout", verb="uses", what="torch.nn.functional.dropout",
                                             where="", place=place, why=OWN_WORK_WHY)
    assert (violation.filename, violation.line) == ("own_direct.py", 15)


def test_the_sentence_for_a_helper_names_the_helper_and_the_charged_name():
    [violation] = policy_of(load_submission(POLICY / "own_helper.py"))
    assert violation.sentence == USES.format(
        names="dropout", verb="reaches", what="torch.nn.functional.dropout",
        where=THROUGH_HOLDER.format(holder="_drop"), place=PLACE.format(filename="own_helper.py", line=11),
        why=OWN_WORK_WHY)
    assert violation.sentence.startswith("dropout reaches torch.nn.functional.dropout through `_drop` ")


def test_the_sentence_for_module_level_code_a_graded_name_uses():
    [violation] = policy_of(load_submission(POLICY / "own_registry.py"))
    assert violation.sentence == USES.format(
        names="dropout", verb="reaches", what="torch.nn.functional.dropout", where=THROUGH_MODULE,
        place=PLACE.format(filename="own_registry.py", line=5), why=OWN_WORK_WHY)


def test_the_sentence_for_a_module_handed_on():
    [violation] = policy_of(load_submission(POLICY / "own_module_handoff.py"))
    assert violation.sentence == HANDS_ON.format(
        names="dropout", verb="hands", module="torch.nn.functional", what="torch.nn.functional.dropout",
        where="", place=PLACE.format(filename="own_module_handoff.py", line=14), why=OWN_WORK_WHY)


def test_the_sentence_for_code_that_runs_at_load_time():
    violation = policy_of(load_submission(POLICY / "plain_monkeypatch.py"))[0]
    assert violation.sentence == AT_LOAD.format(
        what="an assignment to torch.allclose", where="",
        place=PLACE.format(filename="plain_monkeypatch.py", line=17), why=RULE_WHY[MONKEYPATCH])


def test_a_line_with_two_constructs_of_one_rule_names_the_first():
    source = "import os\nimport signal\n\n\ndef l1_reg(model):\n    os.kill(os.getpid(), signal.SIGTERM)\n"
    [violation] = check((Chunk(source, "x.py", 1, False, source),), ("l1_reg",), {})
    assert "uses os.kill " in violation.sentence


def test_a_reflection_that_also_reaches_a_banned_routine_is_reported_once():
    [violation] = policy_of(load_submission(POLICY / "own_getattr_concat.py"))
    assert violation.rule == OWN_WORK


# ---------------------------------------------------------------- notebooks


def test_notebook_violations_name_the_cell_and_the_line_in_it(tmp_path):
    submission = as_notebook(["import torch\nimport torch.nn.functional as F",
                              "def dropout(x, p, training=True):\n    y = x\n    return F.dropout(y, p)"], tmp_path)
    [violation] = policy_of(submission)
    assert (violation.filename, violation.line) == ("regularization.ipynb, cell 2", 3)


def test_a_later_notebook_definition_replaces_an_earlier_one(tmp_path):
    honest = "def dropout(x, p, training=True):\n    return x * (torch.rand_like(x) > p) / (1 - p)"
    cells = ["import torch\nimport torch.nn.functional as F", "def dropout(x, p, training=True):\n    return F.dropout(x, p)"]
    assert policy_of(as_notebook(cells + [honest], tmp_path)) == []


def test_an_earlier_notebook_definition_stays_when_the_later_one_might_fail(tmp_path):
    maybe = "@torch.no_grad()\ndef dropout(x, p, training=True):\n    return x * (torch.rand_like(x) > p) / (1 - p)"
    cells = ["import torch\nimport torch.nn.functional as F", "def dropout(x, p, training=True):\n    return F.dropout(x, p)"]
    assert summary(policy_of(as_notebook(cells + [maybe], tmp_path))) == [(OWN_WORK, 2, ("dropout",))]


def test_notebook_statements_that_never_run_are_not_judged(tmp_path):
    cells = ["import torch", "torch.allclose = print\nnet = torch.nn.Dropout(0.5)"]
    assert policy_of(as_notebook(cells, tmp_path)) == []


# ---------------------------------------------------------------- precision: nothing correct trips it


PRECISION_FILES = [
    *[(PROJECT / "reference" / name / f"{module}.py", name) for name, module in MODULES.items()],
    *[(PROJECT / "assignments" / name / f"{module}{suffix}", name)
      for name, module in MODULES.items() for suffix in (".py", ".ipynb")],
    *[(path, "assignment2") for path in sorted((SUBMISSIONS / "assignment2").glob("*.py"))
      if path.name not in ("mistakes.py", "make_notebooks.py")],
    *[(path, "assignment2") for path in sorted((SUBMISSIONS / "assignment2" / "notebooks").glob("*.ipynb"))],
    (POLICY / "idioms.py", "assignment2"),
]


@pytest.mark.parametrize("path, assignment", PRECISION_FILES, ids=[p.relative_to(PROJECT).as_posix()
                                                                   for p, _ in PRECISION_FILES])
def test_correct_submissions_have_no_violation(path, assignment):
    assert verdicts(path, assignment) == []


def test_the_idioms_file_holds_as_a_notebook(tmp_path):
    cells = ("%matplotlib inline\n" + (POLICY / "idioms.py").read_text()).split("\n# %%")
    assert policy_of(as_notebook(cells, tmp_path)) == []


MISTAKE_CASES = [(assignment, key) for assignment, mistakes in MISTAKES.items() for key in mistakes]


@pytest.mark.parametrize("assignment, key", MISTAKE_CASES, ids=[key for _, key in MISTAKE_CASES])
def test_mistake_variants_are_charged_only_when_they_delegate(assignment, key):
    mistake = MISTAKES[assignment][key]
    reference = (PROJECT / "reference" / assignment / f"{MODULES[assignment]}.py").read_text()
    source = with_mistakes(reference, [mistake])
    found = source_verdicts(source, assignment)
    expected = [(OWN_WORK, DELEGATING_MISTAKES[key])] if key in DELEGATING_MISTAKES else []
    assert [(rule, charged) for rule, _, charged in found] == expected


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem for seed in SEEDS])
def test_seed_tutorial_code_passes_with_every_definition_graded(seed, tmp_path):
    source = seed.read_text()
    graded = defined_names(source)
    notebook = as_notebook(source.split("\n# %%")[1:], tmp_path, seed.stem + ".ipynb")
    for submission in (load_submission(seed), notebook):
        assert submission.chunks and check(submission.chunks, graded, {}) == []
        for config in ASSIGNMENTS.values():  # the tutorials' own versions of graded functions
            own = tuple(name for name in config.functions if name in graded)
            assert check(submission.chunks, own, config.banned) == []


IDIOMS = [
    ("getattr on self", "class Dropout:\n    def forward(self, x, name='p'):\n        return getattr(self, name)\n"),
    ("getattr with a default", "def l1_reg(model, args=None):\n    return getattr(args, 'lr', 0.1)\n"),
    ("hasattr", "def l1_reg(model):\n    return hasattr(model, 'weight')\n"),
    ("setattr on self", "class Dropout:\n    def __init__(self, **kw):\n        for k, v in kw.items():\n"
                        "            setattr(self, k, v)\n"),
    ("__dict__ of self", "class Dropout:\n    def __init__(self, **kw):\n        self.__dict__.update(kw)\n"),
    ("vars of self", "class Dropout:\n    def state(self):\n        return vars(self)\n"),
    ("object.__setattr__ on self", "class Dropout:\n    def __init__(self, p):\n"
                                   "        object.__setattr__(self, 'p', p)\n"),
    ("super().__setattr__", "import torch.nn as nn\n\n\nclass Dropout(nn.Module):\n"
                            "    def __setattr__(self, name, value):\n        super().__setattr__(name, value)\n"),
    ("the name of a class", "def l1_reg(model):\n    return model.__class__.__name__ + type(model).__name__\n"),
    ("own classes", "class Dropout:\n    pass\n\n\nDropout.p = 0.5\nsetattr(Dropout, 'q', 0.1)\n"),
    ("plain data stored on a module", "import numpy as np\n\nnp.isclose = True\n"),
    ("settings", "import torch\nimport pandas as pd\n\ntorch.backends.cudnn.deterministic = True\n"
                 "pd.options.mode.chained_assignment = None\n\n\ndef set_seed(flag=True):\n"
                 "    torch.backends.cudnn.benchmark = flag\n    torch.backends.cudnn.deterministic = flag\n"),
    ("items of module dictionaries", "import os\nimport matplotlib as mpl\n\nos.environ['X'] = '1'\n"
                                     "mpl.rcParams['lines.linewidth'] = 2\n"),
    ("gc.collect", "import gc\n\n\ndef l1_reg(model):\n    gc.collect()\n"),
    ("sys in plain ways", "import sys\n\n\ndef l1_reg(model):\n    print(sys.version, file=sys.stderr)\n"
                          "    return sys.float_info.epsilon\n"),
    ("traceback.print_exc", "import traceback\n\n\ndef l1_reg(model):\n    try:\n        pass\n"
                            "    except Exception:\n        traceback.print_exc()\n"),
    ("os paths", "import os\n\n\ndef l1_reg(model):\n    os.makedirs(os.path.join('a', 'b'), exist_ok=True)\n"),
    ("an array module chosen at run time", "import numpy as np\nimport torch\n\n\ndef sgd_step(theta, grad, lr):\n"
                                           "    xp = torch if isinstance(theta, torch.Tensor) else np\n"
                                           "    return theta - lr * xp.asarray(grad)\n"),
    ("dtype arguments", "import torch\n\n\ndef dropout(x, p, training=True):\n"
                        "    return x * torch.rand(x.shape, dtype=torch.float32).gt(p).to(x.dtype) / (1 - p)\n"),
    ("imports of modules nobody uses", "import threading\nimport inspect\nimport ctypes\nimport gc\n"),
    ("builtins shadowed", "def exec(x):\n    return x\n\n\ndef l1_reg(model):\n    return exec(model)\n"),
    ("a decorated property", "import torch.nn as nn\n\n\nclass Dropout(nn.Module):\n    @property\n"
                             "    def rate(self):\n        return self.p\n"),
    ("match and walrus", "def l1_reg(model):\n    match model:\n        case {'w': w}:\n            return w\n"
                         "    if (n := len(model)) > 2:\n        return n\n"),
    ("annotations name types", "import types\nfrom typing import Optional\nimport torch.nn as nn\n\n\n"
                               "class Dropout(nn.Module):\n    init: types.FunctionType = None\n\n"
                               "    def forward(self, x: Optional[nn.Dropout] = None) -> 'nn.Dropout':\n"
                               "        return x\n"),
    ("method calls on a module-level object", "import logging\nimport torch\n\nLOG = logging.getLogger('x')\n\n\n"
                                              "def train(model):\n    LOG.info('go')\n"
                                              "    torch.optim.SGD(model.parameters(), 0.1)\n\n\n"
                                              "def sgd_step(theta, grad, lr):\n    LOG.debug('step')\n"
                                              "    return theta - lr * grad\n"),
    ("a notebook's Colab guard", "import sys\n\nif 'google.colab' in sys.modules:\n    from google.colab import drive\n"),
]


@pytest.mark.parametrize("source", [idiom[1] for idiom in IDIOMS], ids=[idiom[0] for idiom in IDIOMS])
def test_idioms_are_allowed(source):
    names = ("l1_reg", "l2_reg", "dropout", "Dropout", "regularized_loss", "sgd_step", "set_seed")
    banned = {**ASSIGNMENTS["assignment2"].banned, **ASSIGNMENTS["assignment3"].banned}
    assert check((Chunk(source, "x.py", 1, False, source),), names, banned) == []


# ---------------------------------------------------------------- robustness


ODD_SOURCES = [
    "x = " + "(" * 150 + "F" + ")" * 150,
    "x = " + "getattr(" * 90 + "F" + ", 'a')" * 90,
    "x = " + "F if 0 else " * 250 + "F",
    "x = " + "'a' + " * 2000 + "'b'\ny = getattr(x, x)",
    "x = " + " + ".join(f"a{i}" for i in range(3000)),
    "a0 = F\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(400)) + "def dropout(x, p):\n    return a400.dropout(x)\n",
    "async def dropout(x, p, training=True):\n    async with x as y:\n        async for z in y:\n            await z\n",
    "def dropout(x, p, /, training=True, *a, q, **k):\n    nonlocal_x = lambda *, r=F: r\n    return nonlocal_x\n",
    "try:\n    import F\nexcept* ImportError as e:\n    pass\n",
    "class A[T]:\n    pass\n" if sys.version_info >= (3, 12) else "class A:\n    pass\n",
    "from . import x\nfrom .. y import *\ndel x\n",
    "global q\nq = 1\n",
    "try:\n    import F\nexcept:\n    pass\nfinally:\n    pass\n",
    "def f():\n    def g():\n        nonlocal h\n    h = 1\n",
]


@pytest.mark.parametrize("source", ODD_SOURCES, ids=range(len(ODD_SOURCES)))
def test_odd_sources_never_raise(source):
    source = "import torch.nn.functional as F\n" + source
    chunk = Chunk(source, "regularization.py", 1, False, source)
    config = ASSIGNMENTS["assignment2"]
    assert isinstance(check((chunk,), config.functions, config.banned), list)


def test_sources_built_to_multiply_the_work_are_checked_in_linear_time():
    rebinds = "".join(f"if {i}:\n    helper = {i}\n" for i in range(2000))
    users = "".join(f"def user{i}():\n    return helper\n" for i in range(2000))
    names = "import torch\n" + "".join(f"n = 'a{i}'\n" for i in range(64))
    nested = "def dropout(x, p):\n    return " + "getattr(" * 6 + "torch" + ", n)" * 6 + "\n"
    for source in (rebinds + users, names + nested):
        chunk = Chunk(source, "x.py", 1, False, source)
        assert isinstance(check((chunk,), ("user0", "dropout"), {}), list)


def test_a_long_chain_of_aliases_is_followed():
    source = ("import torch.nn.functional as F\na0 = F\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(400))
              + "def dropout(x, p):\n    return a400.dropout(x)\n")
    assert source_verdicts(source) == [(OWN_WORK, 404, ("dropout",))]


def test_chunks_that_do_not_parse_are_skipped_and_no_chunks_give_nothing():
    broken = Chunk("def (:", "x.ipynb, cell 1", 1, True, "def (:")
    assert check((broken,), ("dropout",), {}) == []
    assert check((), ("dropout",), {}) == []


def test_every_python_file_of_the_project_can_be_checked():
    config = ASSIGNMENTS["assignment2"]
    for path in sorted(PROJECT.glob("**/*.py")):
        if ".venv" in path.parts:
            continue
        submission = load_submission(path)
        assert isinstance(check(submission.chunks, config.functions, config.banned), list), path
