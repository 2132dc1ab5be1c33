"""Plots of assignment3 for feedback.html: each optimizer's 100 steps on two 2-D functions, against torch.optim's.

The student's steps run in the sandbox in one round trip (plot_probes.optimizer_path feeds each step's theta and
state into the next); torch.optim takes the same steps here, in float64, as the hidden tests' reference does.
Where the two paths part, the picture shows how: an overshoot, a step too short, a path that never turns.
Drawn after the tests, for a failing optimizer (every one with `--plots all`); see autograder.checks.plots.
"""
import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from autograder.checks import StudentFault
from autograder.checks.plots import EXPECTED, Plot, numbers, off_the_map, path, shows, surface
from autograder.sandbox.plot_probes import SURFACES, optimizer_path

STEPS = 100
SAME_PATH = ("Your theta follows {optimizer} step for step here: what fails lies elsewhere, in the state your step "
             "returns, its defaults, or other inputs.")
FORGED = "{call} came back as an array of shape {shape}; expected at most {steps} points (theta[0], theta[1])."


@dataclass(frozen=True)
class Landscape:
    """A surface of plot_probes.SURFACES, where the paths start, and the box drawn around them."""
    name: str
    formula: str
    start: tuple[float, float]
    x: tuple[float, float]
    y: tuple[float, float]


BOWL = Landscape("bowl", "0.5*x**2 + 5*y**2", (-4.0, 2.0), (-5.0, 5.0), (-3.0, 3.0))
ROSENBROCK = Landscape("rosenbrock", "(1 - x)**2 + 100*(y - x**2)**2", (-1.2, 1.0), (-1.6, 1.4), (-0.6, 1.9))


@dataclass(frozen=True)
class Optimizer:
    """A graded step and the torch optimizer it reproduces, with hyperparameters that make each path telling."""
    state: int  # state arrays after grad in the step's signature, returned after theta
    counts_steps: bool  # takes the 1-based step number t after the state
    shown: str
    make: Callable  # (params, *hyperparameters) -> the torch optimizer
    hyper: dict  # landscape name -> hyperparameters, in the step's order


OPTIMIZERS = {
    "sgd_step": Optimizer(0, False, "torch.optim.SGD", lambda params, lr: torch.optim.SGD(params, lr=lr),
                          {"bowl": (0.15,), "rosenbrock": (0.0015,)}),
    "momentum_step": Optimizer(1, False, "torch.optim.SGD with momentum",
                               lambda params, lr, mu: torch.optim.SGD(params, lr=lr, momentum=mu),
                               {"bowl": (0.02, 0.9), "rosenbrock": (0.001, 0.9)}),
    "adagrad_step": Optimizer(1, False, "torch.optim.Adagrad",
                              lambda params, lr, eps: torch.optim.Adagrad(params, lr=lr, eps=eps),
                              {"bowl": (1.0, 1e-10), "rosenbrock": (0.8, 1e-10)}),
    "rmsprop_step": Optimizer(1, False, "torch.optim.RMSprop",
                              lambda params, lr, alpha, eps: torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps),
                              {"bowl": (0.05, 0.99, 1e-8), "rosenbrock": (0.03, 0.99, 1e-8)}),
    "adam_step": Optimizer(2, True, "torch.optim.Adam",
                           lambda params, lr, beta1, beta2, eps: torch.optim.Adam(params, lr=lr, betas=(beta1, beta2),
                                                                                  eps=eps),
                           {"bowl": (0.2, 0.9, 0.999, 1e-8), "rosenbrock": (0.1, 0.9, 0.999, 1e-8)}),
}


@shows(*OPTIMIZERS, title="{function}: 100 steps on a quadratic bowl, against torch.optim")
def on_the_bowl(student, function):
    return steps_on(student, function, BOWL)


@shows(*OPTIMIZERS, title="{function}: 100 steps on the Rosenbrock function, against torch.optim")
def on_rosenbrock(student, function):
    return steps_on(student, function, ROSENBROCK)


def steps_on(student, function: str, landscape: Landscape) -> Plot:
    """The student's path and torch's from the landscape's start, over its contour lines."""
    optimizer = OPTIMIZERS[function]
    hyper = optimizer.hyper[landscape.name]
    call = f"{STEPS} steps of {function}(..., {', '.join(map(repr, hyper))}) on f = {landscape.formula}"
    got = numbers(student.run(optimizer_path, getattr(student, function), landscape.name, landscape.start,
                              optimizer.state, optimizer.counts_steps, hyper, STEPS, label=call), call)
    if got.ndim != 2 or got.shape[1] != 2 or not 1 <= len(got) <= STEPS + 1:  # only code forging the answer
        raise StudentFault(FORGED.format(call=call, shape=got.shape, steps=STEPS + 1))
    contours, expected = _contours(landscape), torch_path(function, landscape)
    agrees = got.shape == expected.shape and np.allclose(got, expected, rtol=1e-9, atol=1e-12)
    note = SAME_PATH.format(optimizer=optimizer.shown) if agrees else off_the_map(got, contours, "Your theta")
    return Plot(x_label="theta[0]", y_label="theta[1]", surface=contours, note=note,
                series=[path(f"your {function}", got), path(optimizer.shown, expected, role=EXPECTED)])


@functools.cache  # the same for every submission of a batch
def torch_path(function: str, landscape: Landscape) -> np.ndarray:
    """What torch.optim does from the landscape's start: each theta, start first."""
    optimizer = OPTIMIZERS[function]
    theta = torch.tensor(landscape.start, dtype=torch.float64, requires_grad=True)
    stepper = optimizer.make([theta], *optimizer.hyper[landscape.name])
    visited = [theta.detach().numpy().copy()]
    for _ in range(STEPS):
        theta.grad = torch.from_numpy(SURFACES[landscape.name].gradient(theta.detach().numpy()))
        stepper.step()
        visited.append(theta.detach().numpy().copy())
    return np.array(visited)


@functools.cache
def _contours(landscape: Landscape):
    x, y = np.linspace(*landscape.x, 60), np.linspace(*landscape.y, 50)
    value = SURFACES[landscape.name].value
    return surface(f"f = {landscape.formula}", x, y, [[value((a, b)) for a in x] for b in y])

