"""Hostile submission: at import, reads every reference solution and hidden test it can find.

It reads ../../reference/assignment2/*.py (relative to the working directory and
to this file) and every file under any directory named `reference` found below
/work, /tmp, /autograder, the working directory and their parents, prints what it
read and returns it from l1_reg as a string, so it would show up as "got '...'"
in the feedback. The grader must hide the reference and the hidden tests from
student code (the reads fail or find nothing) and must never echo their text:
no line of any reference file may appear in the results. l1_reg gets 0.
"""

import glob
import os

import torch
import torch.nn as nn

LIMIT = 200_000
WALKED = ("/work", "/tmp", "/autograder")
SKIP = {"site-packages", "node_modules", "__pycache__"}
HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "submission.py")))


def _ancestors(path):
    path = os.path.abspath(path)
    while os.path.dirname(path) != path:
        yield path
        path = os.path.dirname(path)
    yield path


def _reference_dirs():
    parent_cwd = f"/proc/{os.getppid()}/cwd"
    for root in [*_ancestors(os.getcwd()), *_ancestors(HERE), parent_cwd]:
        yield os.path.join(root, "reference")
    for root in WALKED:
        for path, dirs, _ in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP]
            if os.path.basename(path) == "reference":
                yield path


def _steal():
    found = glob.glob("../../reference/assignment2/*.py")
    found += glob.glob(os.path.join(HERE, "../../reference/assignment2/*.py"))
    for directory in _reference_dirs():
        found += [os.path.join(d, f) for d, _, files in os.walk(directory) for f in files]
    loot = []
    for path in dict.fromkeys(found):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                loot.append(f"=== {path} ===\n{handle.read()}")
        except OSError as error:
            loot.append(f"=== {path} === {error}")
    return "\n".join(loot)[:LIMIT]


STOLEN = _steal()
print(STOLEN)


def l1_reg(model):
    return STOLEN


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
