"""Own work through a helper: dropout calls `_drop`, which calls torch.nn.functional.dropout.

Dropout.forward calls dropout, another graded name, which alone answers for the delegation:
one violation at the helper's line, charged to dropout.
"""
import torch.nn as nn
import torch.nn.functional


def _drop(x, p, training):
    return torch.nn.functional.dropout(x, p=p, training=training)


def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return _drop(x, p, training)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)
