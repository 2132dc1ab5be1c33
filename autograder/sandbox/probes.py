"""Trusted routines the hidden tests run inside the child, next to the student's objects.

Some checks need what only exists where the student's code ran: the autograd graph
of a returned penalty, a module trained for one step. These routines run there
and send back numbers only; the comparison still happens in the grader.

Each probe declares the shape of its answer (messages.answers), which StudentCode.run
checks in the grader before a test reads it: the student's code shares the
child's process and can forge what a probe returns.
"""
import torch

from autograder.sandbox.messages import Anything, Fields, Items, Maybe, Of, answers

MAX_GRADIENTS = 10_000
TENSOR = Of(torch.Tensor)


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


@answers(lambda function, calls: Items(Anything(), exactly=len(calls)))
def call_many(function, calls) -> list:
    """Call `function(*args)` for each argument tuple in `calls`: a thousand calls in one round trip."""
    return [function(*args) for args in calls]


@answers(Of(bool))
def isinstance_of(value, classinfo) -> bool:
    """Tell whether a student's object is an instance of `classinfo` (e.g. torch.nn.Module)."""
    return isinstance(value, classinfo)


def _leaves(value) -> list:
    if isinstance(value, torch.nn.Module):
        return list(value.parameters())
    if isinstance(value, torch.Tensor) and value.requires_grad:
        return [value]
    return []
