"""Hostile submission: loads fine, then every call of every graded function crashes its child (SIGABRT).

Each crash costs a fresh child for the next call. In a batch it must cost only this student's own time
budget: classmates graded in the same run get exactly the grades they get alone.
"""

import os

import torch.nn as nn


def _crash():
    os.abort()  # nothing the source policy refuses: the sandbox alone must contain it


def l1_reg(model):
    _crash()


def l2_reg(model):
    _crash()


def dropout(x, p, training=True):
    _crash()


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        _crash()

    def forward(self, x):
        _crash()


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    _crash()
