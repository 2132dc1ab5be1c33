"""Hostile submission: answers whose fields are forged into the wrong types, lengths and shapes.

Module-level code replaces autograder.sandbox.wire.dump_answer in the child, and
each graded name arranges for the answer to its own call to be rewritten:
  - l1_reg: an answer holding both a value and an exception;
  - dropout: an exception whose type name is 10 000 characters long;
  - Dropout(p): banned calls listed as triples instead of routine names;
  - regularized_loss: an exception whose location is the old [file, line] list and
    whose ancestry holds a number.
All of it is valid JSON the allowlist decodes. The grader reads every answer as a
typed record (messages.py), so each forgery costs its function's tests with
"... returned something the grader cannot read ...", never an "Internal grading
error" or a crash. l2_reg is honest and correct: all its tests pass.
"""

import torch
import torch.nn as nn

from autograder.sandbox import wire

_honest_dump_answer = wire.dump_answer
_forgery = {}  # the rewrite the next answer gets, set by the graded name being called


def _forged_dump_answer(answer, keep):
    if "next" in _forgery:
        answer = _forgery.pop("next")(answer)
    return _honest_dump_answer(answer, keep)


wire.dump_answer = _forged_dump_answer


def _both_outcomes(answer):
    return {**answer, "raised": {"type": "ValueError", "ancestry": ["ValueError"], "message": "", "traceback": "",
                                 "where": None}}


def _long_type_name(answer):
    return {**answer, "raised": {**answer["raised"], "type": "E" * 10_000}}


def _banned_triples(answer):
    return {**answer, "banned": [["torch.dropout", "dropout", "extra"]]}


def _old_location(answer):
    return {**answer, "raised": {"type": "ValueError", "ancestry": [3], "message": "", "traceback": "",
                                 "line": ["regularization.py", 3]}}


def l1_reg(model):
    _forgery["next"] = _both_outcomes
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    _forgery["next"] = _long_type_name
    raise ValueError("not done")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        _forgery["next"] = _banned_triples
        self.p = p

    def forward(self, x):
        return x


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    _forgery["next"] = _old_location
    return criterion(output, target)
