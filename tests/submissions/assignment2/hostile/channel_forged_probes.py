"""Hostile submission: correct code whose answers to the grader's probes are forged.

Module-level code replaces autograder.sandbox.wire.dump_answer in the child. Plain
calls are answered honestly; the answers of the trusted routines the hidden tests
run next to the student's objects (autograder.sandbox.probes) are rewritten into
well-formed data of the wrong shape:
  - backward (l1_reg's "stays in the graph" test): gradients = "all fine";
  - arguments_after (dropout's "does not modify x"): no arguments at all;
  - isinstance_of (Dropout is an nn.Module): the string "yes";
  - sgd_step (regularized_loss trains): parameters = [1, 2].
Each probe declares its answer's shape and the grader checks it, so each forged
answer costs its test with "... returned something the grader cannot read ...",
never an "Internal grading error" (a KeyError or zip over a string in the test).
l2_reg's answers are left alone: all its tests pass.
"""

import torch
import torch.nn as nn

from autograder.sandbox import wire

_honest_dump_answer = wire.dump_answer


def _forged_value(value):
    if isinstance(value, list):  # the answers of several calls made in one round trip
        return [_forged_value(item) for item in value]
    if isinstance(value, dict) and "gradients" in value and _forging["backward"]:
        return {**value, "gradients": "all fine"}
    if isinstance(value, dict) and "arguments" in value:
        return {**value, "arguments": []}
    if isinstance(value, dict) and "parameters" in value:
        return {**value, "parameters": [1, 2]}
    if value is True:
        return "yes"
    return value


def _forged_dump_answer(answer, keep):
    if "value" in answer:
        answer = {**answer, "value": _forged_value(answer["value"])}
    return _honest_dump_answer(answer, keep)


wire.dump_answer = _forged_dump_answer
_forging = {"backward": False}


def l1_reg(model):
    _forging["backward"] = True  # l2_reg's gradients go through the same probe, and are left alone
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    _forging["backward"] = False
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    return x * (torch.rand_like(x) > p) / (1 - p)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)
