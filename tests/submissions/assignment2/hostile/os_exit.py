"""Hostile submission: l2_reg calls os._exit(0).

The process ends at once with status 0, without running finally blocks or
sending an answer. The grader must treat "exited without an answer" as its own
outcome: every l2_reg test 0 with that reason (never a pass because the status
was 0), grading continues, and l1_reg (correct here) gets full credit.
"""

import os

import torch
import torch.nn as nn


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    os._exit(0)


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
