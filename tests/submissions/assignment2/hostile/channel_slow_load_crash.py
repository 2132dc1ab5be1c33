"""Hostile submission: a slow load, then a crash in every call.

Module-level code sleeps LOAD_SECONDS (under the call timeout, so the load
succeeds), and every graded name ends the process with os._exit(1). Each crash
makes the grader start a fresh child and load the submission again: before the
time budget counted loading, this cost 314 s with the default 10 s timeout
(LOAD_SECONDS = 9). Spawning, loading and reaping now count against the
submission's budget, so the whole submission costs about the budget.
"""

import os
import time

import torch.nn as nn

LOAD_SECONDS = 9.0

time.sleep(LOAD_SECONDS)


def l1_reg(model):
    os._exit(1)


def l2_reg(model):
    os._exit(1)


def dropout(x, p, training=True):
    os._exit(1)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        os._exit(1)


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    os._exit(1)
