"""Hostile submission: reads other students' work, feedback and the course's files from the sandbox.

`spy(paths)` tries, for each path it is given (as an attacker who knows the layout would: a
classmate's submission, a feedback file already written, the course's assignments/ and tests/
folders, the grader's own package): to list it, to read it and, for a .py file, to import it
after putting its folder on sys.path. It also imports `classmate` plainly, which works when the
grader's current folder (where the classmate's file lies) is on sys.path, and returns sys.path.
Each attempt gives the exception's class name, or what it read (80 characters at most). The
grader must make every attempt fail except for its own package, and still grade l1_reg.
"""

import importlib
import os
import sys

import torch
import torch.nn as nn


def spy(paths):
    seen = {"import classmate": _attempt(lambda: importlib.import_module("classmate").__file__),
            "sys.path": list(sys.path)}
    for path in paths:
        seen[path] = _attempt(lambda: _look(path))
    return seen


def _look(path):
    if os.path.isdir(path):
        return ", ".join(sorted(os.listdir(path)))
    if path.endswith(".py"):
        sys.path.insert(0, os.path.dirname(path))
        try:
            name = os.path.basename(path)[:-3]
            sys.modules.pop(name, None)
            return "imported " + importlib.import_module(name).__file__
        finally:
            sys.path.pop(0)
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read(80)


def _attempt(action):
    try:
        return action()[:80]
    except BaseException as error:
        return type(error).__name__


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


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
