"""Hostile submission: l2_reg allocates 64 MiB bytearrays until it dies.

The pages are written (bytearray zero-fills them), so without a memory limit this
grows until the OOM killer picks a victim, possibly the grader or another job. The
grader must cap the memory of student code (MemoryError or a kill), give the
l2_reg tests 0 with a reason saying memory ran out or the process was killed,
survive, and give l1_reg (correct here) full credit.
"""

import torch
import torch.nn as nn


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


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
