"""Hostile submission: l1_reg sleeps for 10**6 seconds.

Sleeping uses no CPU, so a CPU-time limit (RLIMIT_CPU) never fires: only a
wall-clock timeout catches it. The grader must give the l1_reg tests 0 with a
time-limit reason, finish in bounded time, and give l2_reg (correct here) full credit.
"""

import time

import torch
import torch.nn as nn


def l1_reg(model):
    time.sleep(10**6)


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
