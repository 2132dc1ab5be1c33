"""Hostile submission: l1_reg returns an object that claims to be the right answer.

The object is not a tensor. It says it equals anything (==, <=, < are True; !=,
>, >= are False), its float(), .item(), np.asarray() and repr are the seed value
48.445133209228516 on every model, `got - expected` and abs() return itself, and
any torch function called on it (torch.isclose, torch.allclose, ...) returns
tensor(True). The grader must never trust the object's own comparisons: it must
check the type (0-dim torch.Tensor), compare values it extracted itself, and give
l1_reg 0 (not a tensor; wrong on every model but the seed's). l2_reg is correct
here and must get full credit.
"""

import numpy as np
import torch
import torch.nn as nn

SEED_VALUE = 48.445133209228516


class AlwaysEqual:
    shape = torch.Size([])
    dtype = torch.float32
    requires_grad = True
    is_leaf = False

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __lt__ = __eq__
    __ge__ = __gt__ = __ne__

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __float__(self):
        return SEED_VALUE

    def __array__(self, dtype=None, copy=None):
        return np.asarray(SEED_VALUE, dtype=dtype)

    def __repr__(self):
        return "tensor(48.4451, grad_fn=<AddBackward0>)"

    def __format__(self, spec):
        return format(SEED_VALUE, spec)

    def _self(self, *args, **kwargs):
        return self

    __abs__ = __neg__ = __add__ = __radd__ = __sub__ = __rsub__ = _self
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _self
    detach = cpu = float = double = to = _self

    def item(self):
        return SEED_VALUE

    def numpy(self):
        return np.asarray(SEED_VALUE, dtype=np.float32)

    def tolist(self):
        return SEED_VALUE

    def dim(self):
        return 0

    def numel(self):
        return 1

    def backward(self, *args, **kwargs):
        return None

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return torch.tensor(True)


def l1_reg(model):
    return AlwaysEqual()


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


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
