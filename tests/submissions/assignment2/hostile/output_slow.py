"""Hostile submission: every graded function sleeps far past any limit.

Used to stop `grade batch` mid-run: while this student is being graded, the batch has workers, zygotes and
a sandboxed child alive. A signal to the batch must end all of them. (A fork of the child's own is refused
by the source policy before it could run; the sandbox's own tests check that such processes end too.)
"""

import time

import torch.nn as nn


def _linger():
    time.sleep(600)


def l1_reg(model):
    _linger()


def l2_reg(model):
    _linger()


def dropout(x, p, training=True):
    _linger()


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        _linger()


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    _linger()
