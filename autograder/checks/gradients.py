"""Check gradients: against central differences computed in float64, and that a result stays in the autograd
graph of the sandbox it was computed in."""
import numpy as np

from autograder.checks.values import expect_close
from autograder.feedback import StudentFault, describe

STEP = 1e-6
NOT_A_TENSOR = "{call} returned {value}; expected a torch.Tensor connected to {inputs}."
NOT_IN_GRAPH = ("{call} returned a tensor that is not connected to {inputs} (no grad_fn); build it from {inputs} "
                "without .item(), .detach(), .data or torch.tensor(...).")


def numerical_gradient(function, at, step: float = STEP) -> np.ndarray:
    """Central differences of a scalar `function` at `at`, in float64."""
    point = np.array(at, dtype=np.float64)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + step
        above = float(function(point.copy()))
        point[index] = original - step
        below = float(function(point.copy()))
        point[index] = original
        gradient[index] = (above - below) / (2 * step)
    return gradient


def expect_gradient(got, function, at, *, call: str, rtol: float = 1e-5, atol: float = 1e-6,
                    mistakes=()) -> None:
    """Expect `got` to be the gradient of `function` at `at`, as central differences estimate it."""
    expected = numerical_gradient(function, at)
    got = np.asarray(got.detach().double().numpy() if hasattr(got, "detach") else got, dtype=np.float64)
    known = [(message, np.asarray(value, dtype=np.float64)) for message, value in mistakes]
    expect_close(got, expected, call=call, rtol=rtol, atol=atol, mistakes=known)


def expect_in_graph(value, *, call: str, inputs: str = "its inputs", mistake: str | None = None) -> None:
    """Expect `value` to be a tensor autograd can trace back to `inputs`, as a penalty added to a loss must be.

    A tensor the sandbox returns is a copy, cut from its graph on the way; whether it had a grad_fn in the sandbox
    travels with it as `child_grad_fn`. A tensor computed here in the grader is read directly.
    """
    if not hasattr(value, "grad_fn"):
        raise StudentFault(NOT_A_TENSOR.format(call=call, value=describe(value), inputs=inputs), mistake=mistake)
    if getattr(value, "child_grad_fn", value.grad_fn) is None:
        raise StudentFault(NOT_IN_GRAPH.format(call=call, inputs=inputs), mistake=mistake)
