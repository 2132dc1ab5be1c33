"""Trusted routines that gather a plot's series inside the child, in one round trip instead of hundreds.

An optimizer's 100-step path feeds each step's result into the next, so it cannot be batched from the
grader; a dropout's fraction kept over hundreds of calls needs only one count per call, not the tensors.
These run next to the student's objects and send back plain numbers, read against their declared shapes
(messages.answers) like every probe's: the student's code shares the child's process and can forge them,
which could only spoil its own plot. The surfaces are here so that the grader's contour lines and the
child's gradients are the same functions.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.sandbox.messages import Items, Of, Whole, answers

MAX_CALLS = 10_000
MAX_STEPS = 1000
MAX_COUNT = 2**62
NOT_A_STEP = ("{name} returned {kind}; expected {returned}, with theta an array of 2 numbers, so that the path can be "
              "fed back")
NOT_A_TENSOR = "{name} returned {kind}; expected a tensor, whose kept elements can be counted"


@dataclass(frozen=True)
class Surface:
    """A function of a 2-D point and its gradient."""
    value: Callable
    gradient: Callable


def _bowl(theta):
    return 0.5 * theta[0] ** 2 + 5.0 * theta[1] ** 2


def _bowl_gradient(theta):
    return np.array([theta[0], 10.0 * theta[1]])


def _rosenbrock(theta):
    return (1.0 - theta[0]) ** 2 + 100.0 * (theta[1] - theta[0] ** 2) ** 2


def _rosenbrock_gradient(theta):
    return np.array([-2.0 * (1.0 - theta[0]) - 400.0 * theta[0] * (theta[1] - theta[0] ** 2),
                     200.0 * (theta[1] - theta[0] ** 2)])


SURFACES = {
    "bowl": Surface(_bowl, _bowl_gradient),  # 0.5*x**2 + 5*y**2: ten times steeper along y
    "rosenbrock": Surface(_rosenbrock, _rosenbrock_gradient),  # a curved valley, the minimum at (1, 1)
}


@answers(lambda step, surface, start, state, counts_steps, hyper, steps: Of(np.ndarray))
def optimizer_path(step, surface: str, start, state: int, counts_steps: bool, hyper: tuple, steps: int):
    """Take `steps` steps of `step(theta, grad, *state[, t], *hyper)` on a SURFACES function from `start` and zero
    state arrays, feeding back what it returns; the thetas visited, start first, up to the first that is not
    finite."""
    gradient = SURFACES[surface].gradient
    theta = np.asarray(start, dtype=np.float64)
    arrays = [np.zeros(2) for _ in range(state)]
    visited = [theta]
    with np.errstate(all="ignore"):  # a diverging step overflows: the path shows it
        for t in range(1, min(steps, MAX_STEPS) + 1):
            result = step(theta, gradient(theta), *arrays, *((t,) if counts_steps else ()), *hyper)
            theta, arrays = _fed_back(result, state, getattr(step, "__name__", "the step"))
            visited.append(theta)
            if not np.isfinite(theta).all():
                break
    return np.array(visited)


@answers(lambda function, calls: Items(Whole(MAX_COUNT), exactly=len(calls)))
def nonzero_counts(function, calls) -> list:
    """Call `function(*args)` for each argument tuple in `calls`; count the non-zero elements of each result."""
    import torch

    counts = []
    for arguments in calls[:MAX_CALLS]:
        result = function(*arguments)
        if not isinstance(result, torch.Tensor):
            raise TypeError(NOT_A_TENSOR.format(name=getattr(function, "__name__", "the call"),
                                                kind=type(result).__name__))
        counts.append(int(torch.count_nonzero(result)))
    return counts


def _fed_back(result, state: int, name: str):
    """theta and the state arrays a step returned, checked so that the next step can take them."""
    parts = result if state else (result,)
    returned = "theta" if not state else f"a tuple of theta and {state} state array{'s' if state > 1 else ''}"
    if not isinstance(parts, (tuple, list)) or len(parts) != state + 1:
        raise TypeError(NOT_A_STEP.format(name=name, kind=type(result).__name__, returned=returned))
    try:
        theta = np.asarray(parts[0], dtype=np.float64).reshape(2)
    except (TypeError, ValueError):
        raise TypeError(NOT_A_STEP.format(name=name, kind=f"a theta of {type(parts[0]).__name__}",
                                          returned=returned)) from None
    return theta, list(parts[1:])
