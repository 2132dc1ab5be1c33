"""Hostile submission: rewrites the child's encoder so that loading answers notes=5, names=7.

Module-level code runs in the child's own process, so it can replace
autograder.sandbox.wire.dump_answer, the function the child's server encodes
every answer with. Here the answer to the load request says its notes are the
int 5 and its names the int 7, well-formed JSON of the wrong types. The grader
must read the load answer by its shape, blame the submission with a sentence
("... returned something the grader cannot read ...") on every test, and still
write a complete report: no grader traceback, no "Internal grading error".
"""

import torch
import torch.nn as nn

from autograder.sandbox import wire

_honest_dump_answer = wire.dump_answer


def _forged_dump_answer(answer, keep):
    value = answer.get("value")
    if isinstance(value, dict) and "notes" in value:
        answer = {**answer, "value": {"notes": 5, "names": 7}}
    return _honest_dump_answer(answer, keep)


wire.dump_answer = _forged_dump_answer


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    raise NotImplementedError("Complete the dropout function")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)
