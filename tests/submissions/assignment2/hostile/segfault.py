"""Hostile submission: l1_reg reads address 0 with ctypes.string_at(0).

The process dies of SIGSEGV, with no Python exception and no answer. The grader
must report the l1_reg tests as 0 with a reason saying the code crashed (signal
11; if the sandbox forbids importing ctypes, the ImportError/PermissionError is
reported instead), keep going, and give l2_reg (correct here) full credit.
"""

import torch
import torch.nn as nn


def l1_reg(model):
    import ctypes

    return ctypes.string_at(0)


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
