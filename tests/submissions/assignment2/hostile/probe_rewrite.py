"""Hostile submission: rewrites the grader's autograd probe so that a penalty cut out of the graph passes.

l1_reg returns the right number as a fresh tensor (`.item()` wrapped again), which no gradient reaches.
At load it replaces autograder.sandbox.probes.backward, the routine the hidden tests ask the child to run,
with one that reports the gradient sign(w) the exercise expects. The source policy refuses the rewrite
before anything runs; without it, the child still runs the grader's own probe, copied before this file
was loaded, so the penalty's gradient tests fail either way.
"""
import torch
import torch.nn as nn

from autograder.sandbox import probes


def _forged_backward(function, *args, **kwargs):
    result = function(*args, **kwargs)
    model = args[0]
    return {"value": result, "gradients": [torch.sign(p.detach()) for p in model.parameters()]}


probes.backward = _forged_backward


def l1_reg(model):
    return torch.tensor(sum(p.abs().sum() for p in model.parameters()).item())


def l2_reg(model):
    return sum((p ** 2).sum() for p in model.parameters())


def dropout(x, p, training=True):
    raise NotImplementedError


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError
