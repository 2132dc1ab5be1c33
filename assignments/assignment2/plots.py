"""Plots of assignment2 for feedback.html: the penalties, dropout and the regularized loss, beside what they should be.

A mask that keeps p instead of 1 - p, survivors left unscaled, a square root too many, swapped lambdas: each is
seen at once in one of these. dropout's statistics need no reference (the binomial band, x / (1 - p)); the
penalties and the regularized loss are drawn beside the reference solution's where it is here, the student's
alone otherwise. Drawn after the tests, for a failing function (every one with `--plots all`); see
autograder.checks.plots.
"""
import numpy as np
import torch
import torch.nn as nn

from autograder.checks import binomial_interval, probes, seed_everything
from autograder.checks.plots import (EXPECTED, REFERENCE, REFERENCE_ABSENT, Plot, band, bars, histogram, line,
                                     number, numbers, points, shows)
from autograder.sandbox.plot_probes import nonzero_counts

SEED = 2021
ELEMENTS = 10_000  # per call: a correct fraction kept lies within about 0.025 of 1 - p
PROBABILITIES = (0.1, 0.3, 0.5, 0.7, 0.9)
CALLS = 40  # per p
MODULE_PROBABILITIES = (0.2, 0.5, 0.8)
SURVIVOR_P = 0.5
SURVIVOR_ELEMENTS = 20_000
LAMBDAS = np.linspace(0.0, 0.05, 11)
HISTOGRAM_REACH = 50.0
SPREAD = 0.02  # the points of one p are spread over p +- SPREAD so that 40 of them can be told apart
BAND = "where a correct dropout's fraction falls (all but once in a million runs)"
SURVIVORS_NOTE = ("x is spread evenly over [1, 2), so the survivors x / (1 - p) lie in [2, 4); survivors left "
                  "unscaled stay in [1, 2).")
OUTSIDE = " {count} of your survivors lie beyond -{reach:g} or {reach:g} and are left out."
NO_SURVIVORS = "None of your values is a finite non-zero number, so no survivor is drawn."


def positive(n: int) -> torch.Tensor:
    """n values spread evenly over [1, 2): never zero, so a zero in dropout's output means 'dropped'."""
    return 1 + torch.arange(n, dtype=torch.float32) / n


def seeded_models() -> list[tuple[str, nn.Module]]:
    """Models of every kind a penalty must cover, each built right after seeding: (label, model)."""
    builders = {
        "Linear(20, 20)": lambda: nn.Linear(20, 20),
        "Linear(5, 3)": lambda: nn.Linear(5, 3),
        "Linear, ReLU, Linear": lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)),
        "Conv2d(3, 4, 3)": lambda: nn.Conv2d(3, 4, kernel_size=3),
        "Linear(6, 2), no bias": lambda: nn.Linear(6, 2, bias=False),
    }
    models = []
    for label, build in builders.items():
        seed_everything(SEED)
        models.append((label, build()))
    return models


@shows("l1_reg", "l2_reg", title="{function} on five seeded models")
def penalties(student, reference, function):
    models = seeded_models()
    call = f"{function} on {len(models)} seeded models"
    got = student.run(probes.call_many, getattr(student, function), [(model,) for _, model in models], label=call)
    yours = [number(value, f"{function}({label})") for (label, _), value in zip(models, got)]
    series = [bars(f"your {function}", yours)]
    if reference is not None:
        series.append(bars(f"the reference's {function}",
                           [number(getattr(reference, function)(model), function) for _, model in models],
                           role=REFERENCE))
    note = "" if reference is not None else REFERENCE_ABSENT.format(what=f"your {function}")
    return Plot(y_label=f"{function}(model)", categories=tuple(label for label, _ in models), series=series,
                note=note)


@shows("dropout", title="dropout: the fraction of x kept, 40 calls for each p")
def fraction_kept(student):
    x = positive(ELEMENTS)
    calls = [(x, p) for p in PROBABILITIES for _ in range(CALLS)]
    counts = student.run(nonzero_counts, student.dropout, calls, seed=SEED,
                         label=f"dropout(x, p) on {ELEMENTS} values, {CALLS} calls for each p in {PROBABILITIES}")
    spread = np.tile(np.linspace(-SPREAD, SPREAD, CALLS), len(PROBABILITIES))
    grid = np.linspace(0.0, 1.0, 101)
    return Plot(x_label="p", y_label="fraction of x kept (not zeroed)", series=[
        _binomial_band(grid), line("expected: 1 - p", grid, 1 - grid, role=EXPECTED),
        points("your dropout, one point per call", np.repeat(PROBABILITIES, CALLS) + spread,
               np.array(counts) / ELEMENTS)])


@shows("dropout", title="dropout: the values of the survivors, p = 0.5")
def survivor_values(student):
    x = positive(SURVIVOR_ELEMENTS)
    call = f"dropout(x, {SURVIVOR_P}) on {SURVIVOR_ELEMENTS} values of [1, 2)"
    out = numbers(student.dropout.seeded(SEED)(x, SURVIVOR_P), call, shape=tuple(x.shape),
                  expected=f"a tensor shaped like x, {tuple(x.shape)}")
    survivors = out[np.isfinite(out) & (out != 0)]
    expected = x.double().numpy() / (1 - SURVIVOR_P)
    edges = np.linspace(max(survivors.min(initial=0.0), -HISTOGRAM_REACH),
                        min(max(4.5, survivors.max(initial=0.0)), HISTOGRAM_REACH), 46)
    outside = int(((survivors < edges[0]) | (survivors > edges[-1])).sum())
    note = SURVIVORS_NOTE + (OUTSIDE.format(count=outside, reach=HISTOGRAM_REACH) if outside else "")
    return Plot(x_label="value of a surviving element", y_label="elements",
                note=note if survivors.size else NO_SURVIVORS, series=[
                    histogram("your survivors", edges, np.histogram(survivors, edges)[0]),
                    histogram("expected: x / (1 - p), for a fraction 1 - p of x", edges,
                              np.histogram(expected, edges)[0] * (1 - SURVIVOR_P), role=EXPECTED)])


@shows("Dropout", title="Dropout(p): the fraction of x kept in train() and in eval() mode")
def module_fraction_kept(student):
    x = positive(ELEMENTS)
    training, evaluating = [], []
    for p in MODULE_PROBABILITIES:
        layer = student.Dropout(p=p)
        layer.train()
        training += student.run(nonzero_counts, layer, [(x,)] * CALLS, seed=SEED, label=f"Dropout(p={p})(x) in train()")
        layer.eval()
        evaluating += student.run(nonzero_counts, layer, [(x,)] * 5, seed=SEED, label=f"Dropout(p={p})(x) in eval()")
    grid = np.linspace(0.0, 1.0, 101)
    return Plot(x_label="p", y_label="fraction of x kept (not zeroed)", series=[
        _binomial_band(grid), line("expected in train(): 1 - p", grid, 1 - grid, role=EXPECTED),
        line("expected in eval(): all of x", grid, np.ones_like(grid), role=EXPECTED, group=1),
        points("yours in train(), one point per call",
               np.repeat(MODULE_PROBABILITIES, CALLS) + np.tile(np.linspace(-SPREAD, SPREAD, CALLS),
                                                                len(MODULE_PROBABILITIES)),
               np.array(training) / ELEMENTS),
        points("yours in eval()", np.repeat(MODULE_PROBABILITIES, 5), np.array(evaluating) / ELEMENTS, group=1)])


@shows("regularized_loss", title="regularized_loss as lambda1 or lambda2 grows, on the tutorial's nn.Linear(20, 20)")
def loss_against_lambdas(student, reference):
    seed_everything(SEED)
    model = nn.Linear(20, 20)
    inputs, target = torch.randn(8, 20), torch.randn(8, 20)
    with torch.no_grad():
        output = model(inputs)
    criterion = nn.MSELoss()
    calls = ([(output, target, model, criterion, value, 0.0) for value in LAMBDAS]
             + [(output, target, model, criterion, 0.0, value) for value in LAMBDAS])
    call = "regularized_loss(output, target, model, nn.MSELoss(), lambda1, lambda2)"
    got = [number(value, call) for value in student.run(probes.call_many, student.regularized_loss, calls, label=call)]
    series = [line("yours, lambda1 grows (lambda2 = 0)", LAMBDAS, got[:len(LAMBDAS)]),
              line("yours, lambda2 grows (lambda1 = 0)", LAMBDAS, got[len(LAMBDAS):], group=1)]
    if reference is not None:
        expected = [number(reference.regularized_loss(*arguments), call) for arguments in calls]
        series += [line("the reference's, lambda1 grows", LAMBDAS, expected[:len(LAMBDAS)], role=REFERENCE),
                   line("the reference's, lambda2 grows", LAMBDAS, expected[len(LAMBDAS):], role=REFERENCE, group=1)]
    return Plot(x_label="lambda", y_label="regularized loss", series=series,
                note="" if reference is not None else REFERENCE_ABSENT.format(what="your regularized_loss"))


def _binomial_band(grid: np.ndarray):
    """Where a correct dropout's fraction kept falls, for each p of `grid`."""
    edges = np.array([binomial_interval(ELEMENTS, 1 - p) for p in grid]) / ELEMENTS
    return band(BAND, grid, edges[:, 0], edges[:, 1])
