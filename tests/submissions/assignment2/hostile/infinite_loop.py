"""Hostile submission: dropout spins forever (`while True: pass`).

A busy loop burns CPU and never returns. The grader must stop it with its time
limit, give the dropout tests 0 with a reason saying the time limit was hit, finish
in bounded time, and still give l1_reg and l2_reg (correct here) full credit.
"""

import torch
import torch.nn as nn


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    while True:
        pass


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
