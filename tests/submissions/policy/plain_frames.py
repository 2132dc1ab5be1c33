"""Plain code, frames: dropout looks at its caller and modifies x in place unless a probe is watching.

Dropout.forward calls dropout, so both are charged.
"""
import sys

import torch
import torch.nn as nn


def dropout(x, p, training=True):
    caller = sys._getframe(1)
    if "probe" not in caller.f_code.co_name:
        x.mul_(torch.rand_like(x) > p)
    return x / (1 - p)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)
