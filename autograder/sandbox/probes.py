"""Trusted routines the hidden tests run inside the child, next to the student's objects.

Some checks need what only exists where the student's code ran: the autograd graph
of a returned penalty, a module trained for one step. These routines run there
and send back numbers only; the comparison still happens in the grader.

Each probe declares the shape of its answer (messages.answers), which StudentCode.run
checks in the grader before a test reads it: the student's code shares the
child's process and can forge what a probe returns.
"""
import copy

import numpy as np
import torch

from autograder.sandbox.messages import Anything, Fields, Items, Maybe, Of, Whole, answers
from autograder.seeding import seed_everything

MAX_GRADIENTS = 10_000
MAX_LEAVES = 1000  # arrays in one result of calls_alike: a k-fold split of 500 folds
TENSOR = Of(torch.Tensor)
ARRAY = Of(np.ndarray)


@answers(Fields(value=Anything(), gradients=Maybe(Items(Maybe(TENSOR), MAX_GRADIENTS))))
def backward(function, *args, **kwargs) -> dict:
    """Call `function`, back-propagate the sum of its result, and return it with the gradients of its inputs."""
    result = function(*args, **kwargs)
    leaves = [leaf for arg in args for leaf in _leaves(arg)]
    if not isinstance(result, torch.Tensor) or not result.requires_grad:
        return {"value": result, "gradients": None}
    result.sum().backward()
    return {"value": result, "gradients": [leaf.grad for leaf in leaves]}


@answers(Fields(loss=TENSOR, parameters=Items(TENSOR, MAX_GRADIENTS)))
def sgd_step(model: torch.nn.Module, inputs, lr: float, loss_function, *loss_args) -> dict:
    """Take one plain SGD step on `loss_function(model(inputs), *loss_args)`; return the loss and new parameters."""
    loss = loss_function(model(inputs), *loss_args)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.grad is not None:
                parameter -= lr * parameter.grad
    return {"loss": loss, "parameters": [parameter.detach().clone() for parameter in model.parameters()]}


@answers(lambda function, *args, **kwargs: Fields(value=Anything(), arguments=Items(Anything(), exactly=len(args))))
def arguments_after(function, *args, **kwargs) -> dict:
    """Call `function`; return its result and its arguments as they are afterwards, to catch in-place changes."""
    result = function(*args, **kwargs)
    return {"value": result, "arguments": list(args)}


@answers(lambda function, calls, seed=None: Items(Anything(), exactly=len(calls)))
def call_many(function, calls, seed: int | None = None) -> list:
    """Call `function(*args)` for each argument tuple in `calls`: a thousand calls in one round trip. With `seed`,
    python, numpy and torch are seeded with it before each call, as a seeded call of its own would be."""
    return [_seeded(seed, function, args) for args in calls]


@answers(lambda probe, function, calls: Items(probe.answer_shape, exactly=len(calls)))
def each(probe, function, calls) -> list:
    """Run `probe(function, *args)` (a probe whose answer has one shape) for each argument tuple in `calls`."""
    return [probe(function, *args) for args in calls]


@answers(lambda function, arguments, seeds: Fields(optional=("results", "layout", "leaves"),
                                                  results=Items(Anything(), exactly=len(seeds)), layout=Anything(),
                                                  leaves=Items(ARRAY, MAX_LEAVES)))
def calls_alike(function, arguments: tuple, seeds) -> dict:
    """Call `function(*arguments, seed)` for each of `seeds`, each call on its own copy of the arguments (a call
    that changes them in place changes no other call's) and, when every result is the same nest of tuples and
    lists of numpy arrays alike in dtype and shape (the split of every seed), send each array stacked across the
    calls: a few blobs instead of thousands, which the grader checks for all calls at once.

    Otherwise the results as they are, like call_many. `layout` is the nest, each array replaced by its index in
    `leaves`; an array at index i of a call's result is `leaves[i][call]`.
    """
    results = [function(*_fresh(arguments), seed) for seed in seeds]
    nests = [_nest(result) for result in results]
    if not results or any(nest is None or nest[0] != nests[0][0] for nest in nests):
        return {"results": results}
    return {"layout": _layout(results[0], iter(range(len(nests[0][1])))),
            "leaves": [np.stack(arrays) for arrays in zip(*(nest[1] for nest in nests))]}


@answers(lambda step, x, y, theta, state, hyper, counts_steps, steps: Fields(
    path=Items(ARRAY, exactly=1 + len(state)), steps=Whole(steps)))
def trajectory(step, x, y, theta, state, hyper, counts_steps: bool, steps: int) -> dict:
    """Take `steps` steps of least squares, `step(theta, grad, *state[, t], *hyper)` with grad = x.T @ (x @ theta -
    y) / len(y) at the theta it returned last: the whole path in one round trip instead of one per step.

    Returns each of theta and the state arrays stacked over the steps taken, and how many: a step that returns
    anything but float64 arrays shaped like theta ends the path there, for the grader to replay it call by call
    and say what came back.
    """
    count, path = 1 + len(state), []
    with np.errstate(all="ignore"):  # a wrong step may take the square root of a negative number
        for t in range(1, steps + 1):
            result = step(theta, x.T @ (x @ theta - y) / len(y), *state, *((t,) if counts_steps else ()), *hyper)
            parts = result if state else (result,)
            if not _arrays_like(parts, count, theta.shape):
                break
            path.append([np.array(part) for part in parts])
            theta, *state = (part.copy() for part in path[-1])  # what the step does to them leaves the path alone
    stacked = [np.stack(quantity) for quantity in zip(*path)] if path else [np.empty((0, *theta.shape))] * count
    return {"path": stacked, "steps": len(path)}


@answers(Of(bool))
def isinstance_of(value, classinfo) -> bool:
    """Tell whether a student's object is an instance of `classinfo` (e.g. torch.nn.Module)."""
    return isinstance(value, classinfo)


def _fresh(arguments: tuple) -> list:
    """A copy of each argument (arrays copied directly: four times faster than deepcopy's dispatch)."""
    return [argument.copy() if type(argument) is np.ndarray else copy.deepcopy(argument) for argument in arguments]


def _seeded(seed: int | None, function, args):
    if seed is not None:
        seed_everything(seed)
    return function(*args)


def _nest(value):
    """(signature, arrays) of a nest of tuples and lists of plain numeric numpy arrays; None for anything else."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        return ("array", value.dtype.str, value.shape), [value]
    if type(value) not in (tuple, list):
        return None
    inner = [_nest(item) for item in value]
    if any(item is None for item in inner):
        return None
    return (type(value).__name__, tuple(item[0] for item in inner)), [array for item in inner for array in item[1]]


def _layout(value, indices):
    """`value`'s nest with each array replaced by the next index."""
    if type(value) is np.ndarray:
        return next(indices)
    return [type(value).__name__, [_layout(item, indices) for item in value]]


def _arrays_like(parts, count: int, shape: tuple) -> bool:
    """Whether `parts` is a tuple or list of `count` float64 numpy arrays of `shape`."""
    return (isinstance(parts, (tuple, list)) and len(parts) == count
            and all(isinstance(part, np.ndarray) and part.shape == shape and part.dtype == np.float64
                    for part in parts))


def _leaves(value) -> list:
    if isinstance(value, torch.nn.Module):
        return list(value.parameters())
    if isinstance(value, torch.Tensor) and value.requires_grad:
        return [value]
    return []
