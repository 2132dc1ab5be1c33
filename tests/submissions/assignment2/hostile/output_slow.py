"""Hostile submission: every graded function leaves a process behind and then sleeps far past any limit.

Used to stop `grade batch` mid-run: while this student is being graded, the batch has workers, zygotes, a
sandboxed child and the child's own forked process alive. A signal to the batch must end all of them.
"""

import os
import time

import torch.nn as nn


def _linger():
    if os.fork() == 0:  # a process of the student's own, which outlives the call unless the sandbox ends it
        time.sleep(600)
        os._exit(0)
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
