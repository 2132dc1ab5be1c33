"""Check gradients against central differences computed in float64."""
import numpy as np

from autograder.checks.values import expect_close

STEP = 1e-6


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
