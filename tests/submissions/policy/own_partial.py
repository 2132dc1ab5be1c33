"""Own work through functools.partial: a module-level partial of F.dropout, and one built in __init__.

dropout calls the module-level `_drop`; Dropout stores `partial(torch.dropout, ...)` on self.
"""
import functools
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

_drop = functools.partial(F.dropout, inplace=False)


def dropout(x, p, training=True):
    return _drop(x, p, training)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.apply_mask = partial(torch.dropout, p=p)

    def forward(self, x):
        return self.apply_mask(x, train=self.training)
