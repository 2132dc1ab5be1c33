"""Own work through a star import: `dropout` is never defined, torch's arrives with the `*`.

Dropout.forward calls that `dropout` too, so it is charged at its own line.
"""
import torch.nn as nn
from torch.nn.functional import *  # noqa: F403


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)  # noqa: F405
