"""Hostile submission: at import, patches every comparison helper to say "equal".

torch.isclose/allclose/equal, torch.testing.assert_close, numpy.allclose/isclose/
array_equal, numpy.testing.assert_allclose/assert_array_equal, math.isclose and
pytest.approx (if importable) all report a match, and builtins.abs returns 0 so
that any `abs(got - expected) <= tol` holds. Every graded name returns a wrong
value. The grader must compare in code the student cannot reach (its own process,
or before the student module is imported) and fail every test here.
"""

import builtins
import math

import numpy as np
import numpy.testing
import torch
import torch.nn as nn
import torch.testing


def _always_true(*args, **kwargs):
    return True


def _never_fails(*args, **kwargs):
    return None


def _all_true_tensor(input, other, *args, **kwargs):
    shape = torch.broadcast_shapes(torch.as_tensor(input).shape, torch.as_tensor(other).shape)
    return torch.ones(shape, dtype=torch.bool)


def _all_true_array(a, b, *args, **kwargs):
    return np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)


class _EqualToAnything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


torch.isclose = _all_true_tensor
torch.allclose = _always_true
torch.equal = _always_true
torch.testing.assert_close = _never_fails
np.isclose = _all_true_array
np.allclose = _always_true
np.array_equal = _always_true
numpy.testing.assert_allclose = _never_fails
numpy.testing.assert_array_equal = _never_fails
math.isclose = _always_true
builtins.abs = lambda value: 0
try:
    import pytest

    pytest.approx = lambda expected, *args, **kwargs: _EqualToAnything()
except Exception:
    pass


def l1_reg(model):
    return torch.zeros(())


def l2_reg(model):
    return torch.ones(())


def dropout(x, p, training=True):
    return x * 2


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return x * 2


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    return criterion(output, target) * 0
