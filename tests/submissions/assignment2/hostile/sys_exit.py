"""Hostile submission: l1_reg calls sys.exit(3).

SystemExit is a BaseException, not an Exception, so `except Exception` in the
grader misses it. The grader must give every l1_reg test 0 with a reason saying
the code exited with status 3, keep going, and give l2_reg (correct here) full
credit; the other names raise NotImplementedError and must be reported as such.
"""

import sys

import torch
import torch.nn as nn


def l1_reg(model):
    sys.exit(3)


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


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
