"""Hostile submission: dropout forks up to 10,000 sleeping children.

Each child sleeps 60 s and then os._exit(0)s (children never fork again, so the
count is bounded); the loop stops at the first failed fork. Unchecked, this
exhausts the machine's process table or memory. The grader must cap the number of
processes student code can create (RLIMIT_NPROC under a dedicated uid or a fresh
user namespace, or a pids cgroup), kill every child after the test, give the
dropout tests 0 (it returns x unscaled), finish in bounded time, and still give
l1_reg and l2_reg (correct here) full credit.
"""

import os
import time

import torch
import torch.nn as nn


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    for _ in range(10_000):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                time.sleep(60)
            finally:
                os._exit(0)
    return x


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
