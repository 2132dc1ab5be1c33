"""Hostile submission: spreads its memory and processes over many processes.

`hoard(children, mebibytes)` forks `children` processes that each fill `mebibytes` MiB (the
pages written, so they are really used), hold it for two seconds and exit 0; it returns
their wait statuses as os.waitstatus_to_exitcode gives them (-9: killed). Limits that hold
per process let 4 children of 300 MiB each finish; a limit for the whole submission kills
some. `fork_bomb(seconds)` forks sleeping children until fork fails and returns how many it
made. `l2_reg` grows its own memory until something stops it. The grader must stop each of
these within the submission's limits and clean everything up afterwards.
"""

import os
import time

import torch
import torch.nn as nn


def hoard(children, mebibytes):
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            try:
                block = bytearray(mebibytes * 2**20)  # zero-filled: every page written
                time.sleep(2)
                del block
            finally:
                os._exit(0)
        pids.append(pid)
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


def fork_bomb(seconds):
    made = 0
    while made < 10_000:
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                time.sleep(seconds)
            finally:
                os._exit(0)
        made += 1
    return made


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))


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
