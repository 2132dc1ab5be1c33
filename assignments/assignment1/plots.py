"""Plots of assignment1 for feedback.html: the loss, and training runs beside the reference solution's.

The tutorial's shallow run is drawn twice: its loss records on a log scale, and the weights (w1, w2) walking
over the loss landscape, where a step uphill, a step of the wrong size or an update of one weight after the
other shows as a path that leaves the valley. DeepNarrowLNN's records are drawn for a stable run and for the
exploding one, where a correct train stops. Where the reference solution is not here (a student's own run),
the student's run is drawn against what the exercise itself defines: the mean squared error.
Drawn after the tests, for a failing function (every one with `--plots all`); see autograder.checks.plots.
"""
import numpy as np

from autograder.checks import StudentFault, describe, probes, seed_everything
from autograder.checks.plots import (EXPECTED, REFERENCE, REFERENCE_ABSENT, Plot, line, number, numbers,
                                     off_the_map, path, shows, surface)

SEED = 2021
TUTORIAL = ([1.4, -1.6], 0.02, 211)  # the seed's cell: initial weights, learning rate, epochs
TUTORIAL_CALL = "ShallowNarrowExercise([1.4, -1.6]).train(x_train, y_train, 0.02, 211)"
OFFSETS = np.linspace(-2.0, 2.0, 41)
WEIGHT_BOX = (-2.6, 2.6)  # of w1 and of w2 on the landscape
DEEP_RUNS = (  # the initial weights as shown, as an array, eta, epochs, and what to say of the run
    ("np.full((1, 11), 0.9)", np.full((1, 11), 0.9), 0.01, 150, ""),
    ("np.full((1, 31), 1.1)", np.full((1, 31), 1.1), 0.021, 100,
     "This run explodes: a correct train stops at the first inf or NaN gradient and leaves the later records NaN, "
     "which are not drawn."),
)
NOT_A_PAIR = "{call} returned {value}; expected a pair (loss_records, weight_records)."
BEFORE_EACH_UPDATE = "the mean squared error at your weights before each update"


def tutorial_samples(n: int, a: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """gen_samples(n, a, sigma) right after set_seed(2021), drawn here as the tutorial draws them."""
    seed_everything(SEED)
    x = np.random.rand(n)
    return x, a * x + np.random.normal(scale=sigma, size=n)


@shows("loss", title="loss(y_true + d, y_true) as the prediction moves d away from y_true")
def loss_curve(student, reference):
    y_true = np.linspace(-1.0, 2.0, 12)
    calls = [(y_true + offset, y_true) for offset in OFFSETS]
    call = "loss(y_true + d, y_true) for 41 values of d"
    got = [number(value, call) for value in student.run(probes.call_many, student.loss, calls, label=call)]
    if reference is not None:
        expected = line("the reference's loss", OFFSETS, [float(reference.loss(*arguments)) for arguments in calls],
                        role=REFERENCE)
    else:
        expected = line("expected: mean((y_true - y_prediction)**2) = d**2", OFFSETS, OFFSETS ** 2, role=EXPECTED)
    return Plot(x_label="d", y_label="loss", series=[line("your loss", OFFSETS, got), expected])


@shows("ShallowNarrowExercise", title="ShallowNarrowExercise.train on the tutorial's run")
def shallow_training(student, reference):
    x, y = tutorial_samples(73, 2.0, 0.2)
    init, lr, epochs = TUTORIAL
    losses, weights = _records(student.ShallowNarrowExercise(init).train(x, y, lr, epochs), epochs)
    walked = np.vstack([init, weights])
    if reference is not None:
        expected_losses, expected_weights = reference.ShallowNarrowExercise(init).train(x, y, lr, epochs)
        expected_line = line("the reference's loss_records", range(epochs), expected_losses, role=REFERENCE)
        expected_paths = [path("the reference's weights", np.vstack([init, expected_weights]), role=REFERENCE)]
    else:  # what the records must be, given the student's own weights: the exercise's loss before each update
        expected_line = line(BEFORE_EACH_UPDATE, range(epochs), _mse(walked[:-1], x, y), role=EXPECTED)
        expected_paths = []
    absent = "" if reference is not None else REFERENCE_ABSENT.format(what="your run")
    landscape = _landscape(x, y)
    return [
        Plot(title=f"{TUTORIAL_CALL}: the loss records", x_label="epoch", y_label="loss (log scale)", log_y=True,
             series=[line("your loss_records", range(epochs), losses), expected_line], note=absent),
        Plot(title=f"{TUTORIAL_CALL}: the weights on the loss landscape", x_label="w1", y_label="w2",
             surface=landscape, series=[path("your weights", walked), *expected_paths],
             note=" ".join(filter(None, [off_the_map(walked, landscape, "Your (w1, w2)"), absent]))),
    ]


@shows("DeepNarrowLNN", title="DeepNarrowLNN.train: the loss records")
def deep_training(student, reference):
    x, y = tutorial_samples(100, 2.0, 0.1)
    plots = []
    for shown, init, eta, epochs, said in DEEP_RUNS:
        call = f"DeepNarrowLNN({shown}).train(x, y_t, {eta}, {epochs})"
        got = numbers(student.DeepNarrowLNN(init).train(x, y, eta, epochs), call, shape=(epochs,),
                      expected=f"{epochs} loss records")
        series = [line("your loss_records", range(epochs), got)]
        if reference is not None:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the exploding run overflows
                series.append(line("the reference's loss_records", range(epochs),
                                   reference.DeepNarrowLNN(init).train(x, y, eta, epochs), role=REFERENCE))
        absent = "" if reference is not None else REFERENCE_ABSENT.format(what="your run")
        plots.append(Plot(title=f"{call}: the loss records", x_label="epoch", y_label="loss (log scale)", log_y=True,
                          series=series, note=" ".join(filter(None, [said, absent]))))
    return plots


def _records(got, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """The (loss_records, weight_records) train returned, as arrays of the contract's shapes."""
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise StudentFault(NOT_A_PAIR.format(call=TUTORIAL_CALL, value=describe(got)))
    return (numbers(got[0], f"the loss_records of {TUTORIAL_CALL}", shape=(epochs,), expected=f"{epochs} numbers"),
            numbers(got[1], f"the weight_records of {TUTORIAL_CALL}", shape=(epochs, 2),
                    expected=f"an array of shape ({epochs}, 2)"))


def _mse(weights: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The mean squared error of x * w1 * w2 at each row (w1, w2) of `weights`."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows: drawn as a gap
        return np.mean((y - np.outer(weights[:, 0] * weights[:, 1], x)) ** 2, axis=1)


def _landscape(x: np.ndarray, y: np.ndarray):
    """The mean squared error over a grid of (w1, w2): a valley along the hyperbola w1 * w2 = a."""
    w1, w2 = np.linspace(*WEIGHT_BOX, 61), np.linspace(*WEIGHT_BOX, 61)
    grid = np.outer(w2, w1)  # w1 * w2 at each (row: w2, column: w1)
    losses = np.mean((y - grid[..., None] * x) ** 2, axis=-1)
    return surface("the loss (MSE) of (w1, w2)", w1, w2, losses)
