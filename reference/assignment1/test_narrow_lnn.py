"""Hidden tests of assignment1 (narrow linear networks): the MSE loss, the shallow and the deep narrow LNN.

Each test reads like the exercise text; `student` runs the submission in the
sandbox, `reference` is the solution beside this file. Training is judged on top
of the student's own gradient and loss where it can be, so that one mistake in
dloss_dw or loss is not also counted against train.
"""
import functools

import numpy as np
import torch

from autograder.checks import (Mistake, describe, describe_call, expect_close, expect_close_or_own, expect_gradient,
                               expect_raises, expect_that, graded, seed_everything)

SEED = 2021


def seeded_samples(reference, n, a, sigma):
    """The tutorial's data: gen_samples right after set_seed(2021)."""
    seed_everything(SEED)
    return reference.gen_samples(n, a, sigma)


def as_numbers(value):
    """The student's numbers as float64 (a float for a scalar), so lists, tuples, numpy scalars and tensors
    compare alike; anything else comes back as it is, for the failure sentence to describe."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, torch.Tensor):
        value = value.detach()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        return value
    return float(array) if array.ndim == 0 else array


def expect_array(got, shape, *, call, expected):
    """Fail unless the student's value, after as_numbers, is an array of `shape`; `expected` says what it holds."""
    expect_that(isinstance(got, np.ndarray) and got.shape == shape,
                f"{call} returned {describe(got)}; expected {expected}.")


def moving(run, value=None):
    """`value` (default: the run itself) when the run's records (losses, or weights per epoch) change from one finite
    epoch to another, else None: a run that stays where it started, or is NaN from the start, is what code doing
    nothing gives, and it must not lend train any points."""
    rows = np.asarray(run, dtype=np.float64)
    rows = rows.reshape(len(rows), -1) if rows.ndim else rows.reshape(1, 1)
    rows = rows[np.isfinite(rows).all(axis=1)]
    moved = len(rows) > 1 and bool((rows != rows[0]).any())
    return (run if value is None else value) if moved else None


def by_value(function):
    """Cache `function` by the values of its arguments (arrays by their bytes): the reference's runs are the same
    for every submission, so a batch computes each once. What it returns is shared: callers only read it."""
    cache = {}

    @functools.wraps(function)
    def cached(*args, **kwargs):
        key = _hashable((args, sorted(kwargs.items())))
        if key not in cache:
            cache[key] = function(*args, **kwargs)
        return cache[key]
    return cached


def _hashable(value):
    if isinstance(value, np.ndarray):
        return "array", value.dtype.str, value.shape, value.tobytes()
    if isinstance(value, (list, tuple)):
        return type(value).__name__, tuple(_hashable(item) for item in value)
    return value  # modules, functions, numbers and strings are keys as they are


def quietly(function, *args, **kwargs):
    """Run arithmetic that overflows on purpose (exploding training) without warnings."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return function(*args, **kwargs)


# ---------------------------------------------------------------------------------------------- loss

LOSS_SUM = "the squared errors were summed; the loss is their mean, ((y_true - y_prediction)**2).mean()"
LOSS_HALF = "the mean was halved; this loss has no 1/2 (that one is DeepNarrowLNN.loss)"
LOSS_ROOT = "a square root was taken (the RMSE); the loss is the mean squared error itself"
NO_SHAPE_CHECK = ("the shapes were not compared, so numpy broadcast them; start with "
                  "assert y_prediction.shape == y_true.shape")


def loss_cases():
    """(y_prediction, y_true) pairs: the tutorial's size, a 2-D batch and a single sample."""
    generator = np.random.default_rng(SEED)
    return [(generator.normal(size=shape), generator.normal(size=shape)) for shape in ((73,), (4, 5), (1,))]


@graded("loss: is the mean squared error mean((y_true - y_prediction)**2)", points=2)
def test_loss_values(student, reference):
    for y_prediction, y_true in loss_cases():
        squared = (y_true - y_prediction) ** 2
        expect_close(as_numbers(student.loss(y_prediction, y_true)), float(reference.loss(y_prediction, y_true)),
                     call=describe_call("loss", (y_prediction, y_true)),
                     mistakes=[Mistake(LOSS_SUM, float(squared.sum())), Mistake(LOSS_HALF, float(squared.mean() / 2)),
                               Mistake(LOSS_ROOT, float(np.sqrt(squared.mean())))])


@graded("loss: is 0 for an exact prediction and grows as the prediction moves away", points=1)
def test_loss_grows_with_the_error(student):
    y_true = np.linspace(-1.0, 2.0, 12)
    losses = []
    for offset in (0.0, 0.5, 1.0, 2.0):
        call = describe_call("loss", (y_true + offset, y_true))
        got = as_numbers(student.loss(y_true + offset, y_true))
        expect_that(isinstance(got, float), f"{call} returned {describe(got)}; expected a single number.")
        losses.append(got)
    expect_that(losses[0] == 0.0 and losses[1] < losses[2] < losses[3],
                f"loss(y_true + d, y_true) for d = 0, 0.5, 1 and 2 returned {', '.join(f'{v:.6g}' for v in losses)}; "
                f"expected 0 for d = 0, then larger values as d grows.")


@graded("loss: rejects predictions and labels of different shapes (assert or ValueError)", points=1, core=False)
def test_loss_rejects_shape_mismatch(student):
    for prediction_shape, true_shape in (((5,), (5, 1)), ((4,), (1,))):
        expect_raises((AssertionError, ValueError), student.loss, np.ones(prediction_shape), np.zeros(true_shape),
                      because="the shapes differ", mistake=NO_SHAPE_CHECK)


# ---------------------------------------------------------------------------------------------- ShallowNarrowExercise

TUTORIAL_RUN = ([1.4, -1.6], 0.02, 211)  # the seed's cell: initial weights, learning rate, epochs
TUTORIAL_CALL = ("ShallowNarrowExercise([1.4, -1.6]).train(x_train, y_train, 0.02, 211) after set_seed(2021) and "
                 "x_train, y_train = gen_samples(n=73, a=2.0, sigma=0.2)")
SHALLOW_WEIGHTS = ([1.4, -1.6], [0.5, -0.5], [-1.8, 1.7], [2.0, 0.3])  # lists: other containers have a test
SHALLOW_SIGN = "the gradient's sign is flipped; dloss_dw1 = -mean(2 * w2 * x * (y_true - w1 * w2 * x))"
SHALLOW_HALF = "the factor 2 is missing; the derivative of the squared error brings down a 2: -mean(2 * w2 * x * E)"
SHALLOW_SUM = "the gradient was summed over the samples; take the mean, as the loss does"
SHALLOW_SWAPPED = "dloss_dw1 and dloss_dw2 are swapped; the gradient for w1 carries w2 and the one for w2 carries w1"
SEQUENTIAL = ("the weights were updated one after the other, so w2's gradient was taken after w1 had moved; compute "
              "both gradients first, then update both weights")
ASCENT = "the weights moved up the gradient (w += lr * dloss_dw); gradient descent subtracts: w -= lr * dloss_dw"
LOSS_AFTER = "the loss was recorded after the update; record loss(forward(x), y_true) before changing the weights"


def shallow_gradient(model_class, x, y):
    """The gradient of a ShallowNarrowExercise class (the reference's or the student's) as a function of (w1, w2)."""
    return lambda w1, w2: as_numbers(model_class([float(w1), float(w2)]).dloss_dw(x, y))


def descend(gradient, init, lr, n_ep, *, sequential=False, sign=-1.0):
    """Gradient descent on (w1, w2); the weights after each step. `sequential` and `sign` build known mistakes."""
    w = np.array(init, dtype=np.float64)
    weights = np.empty((n_ep, 2))
    for epoch in range(n_ep):
        step = gradient(*w)
        w[0] += sign * lr * step[0]
        if sequential:
            step = gradient(*w)
        w[1] += sign * lr * step[1]
        weights[epoch] = w
    return weights


def mse_along(weights, x, y, loss=None):
    """The loss of x * w1 * w2 at each row of `weights`, by `loss` (the student's) or else by the formula; a diverging
    student run overflows here on purpose."""
    if loss is None:
        rows = np.asarray(weights, dtype=float)  # one row per (w1, w2): every loss at once, as (x * w1) * w2 each
        return quietly(lambda: np.mean((y - x * rows[:, :1] * rows[:, 1:]) ** 2, axis=1))
    return np.array([as_numbers(loss(quietly(lambda: x * w1 * w2), y)) for w1, w2 in weights])


def train_records(model, call, *args):
    """Call model.train(*args); return its (loss_records, weight_records) through as_numbers."""
    got = model.train(*args)
    expect_that(isinstance(got, (tuple, list)) and len(got) == 2,
                f"{call} returned {describe(got)}; expected a pair (loss_records, weight_records).")
    return as_numbers(got[0]), as_numbers(got[1])


@graded("ShallowNarrowExercise: forward returns x * w1 * w2", points=2)
def test_shallow_forward(student, reference):
    x = np.linspace(0.0, 1.0, 37, endpoint=True)
    for init in SHALLOW_WEIGHTS:
        for inputs in (x, x[:12].reshape(3, 4)):
            expect_close(as_numbers(student.ShallowNarrowExercise(init).forward(inputs)),
                         reference.ShallowNarrowExercise(init).forward(inputs),
                         call=describe_call(f"ShallowNarrowExercise({describe(init)}).forward", (inputs,)))


@graded("ShallowNarrowExercise: dloss_dw is the gradient of the mean squared error", points=3)
def test_shallow_gradient(student, reference):
    for x, y in (seeded_samples(reference, 73, 2.0, 0.2), reference.gen_samples(10, 1.0, 0.0)):
        for init in SHALLOW_WEIGHTS:
            call = f"ShallowNarrowExercise({describe(init)}).dloss_dw(x, y_true) on {len(x)} samples"
            got = as_numbers(student.ShallowNarrowExercise(init).dloss_dw(x, y))
            expect_array(got, (2,), call=call, expected="a pair (dloss_dw1, dloss_dw2) of numbers")
            exact = np.array(reference.ShallowNarrowExercise(init).dloss_dw(x, y))
            expect_gradient(got, lambda w: np.mean((y - w[0] * w[1] * x) ** 2), np.array(init, dtype=float),
                            call=call, mistakes=[Mistake(SHALLOW_SIGN, -exact), Mistake(SHALLOW_HALF, exact / 2),
                                                 Mistake(SHALLOW_SUM, exact * len(x)),
                                                 Mistake(SHALLOW_SWAPPED, exact[::-1])])


@graded("ShallowNarrowExercise: train reproduces the tutorial's run of gradient descent", points=3)
def test_shallow_train_weights(student, reference):
    x, y = seeded_samples(reference, 73, 2.0, 0.2)
    init, lr, n_ep = TUTORIAL_RUN
    _, weights = train_records(student.ShallowNarrowExercise(init), TUTORIAL_CALL, x, y, lr, n_ep)
    _expect_shallow_weights(student, reference, weights, (x, y, init, lr, n_ep), TUTORIAL_CALL)


@graded("ShallowNarrowExercise: train records the loss before each update", points=2, core=False)
def test_shallow_train_losses(student, reference):
    x, y = seeded_samples(reference, 73, 2.0, 0.2)
    init, lr, n_ep = TUTORIAL_RUN
    losses, weights = train_records(student.ShallowNarrowExercise(init), TUTORIAL_CALL, x, y, lr, n_ep)
    _expect_shallow_losses(student, reference, losses, weights, (x, y, init, lr, n_ep), TUTORIAL_CALL)


@graded("ShallowNarrowExercise: train runs the vector-field examples", points=2)
def test_shallow_train_other_runs(student, reference):
    x, y = reference.gen_samples(10, 1.0, 0.0)
    lr, n_ep = 0.15, 40
    for init in ([0.5, -0.5], [0.55, -0.45], [-1.8, 1.7]):
        call = f"ShallowNarrowExercise({describe(init)}).train(x, y_true, {lr}, {n_ep}) on gen_samples(10, 1.0, 0.0)"
        losses, weights = train_records(student.ShallowNarrowExercise(init), call, x, y, lr, n_ep)
        _expect_shallow_weights(student, reference, weights, (x, y, init, lr, n_ep), call)
        _expect_shallow_losses(student, reference, losses, weights, (x, y, init, lr, n_ep), call)


def _expect_shallow_weights(student, reference, weights, run, call):
    """Judged by plain gradient descent with the reference's gradient, or else with the student's own dloss_dw."""
    x, y, init, lr, n_ep = run
    expected, sequential, ascent = shallow_expected_weights(reference, x, y, init, lr, n_ep)
    expect_close_or_own(
        weights, expected, call=f"the weight_records of {call}",
        own=lambda: moving(descend(shallow_gradient(student.ShallowNarrowExercise, x, y), init, lr, n_ep)),
        mistakes=[Mistake(SEQUENTIAL, sequential), Mistake(ASCENT, ascent)])


@by_value
def shallow_expected_weights(reference, x, y, init, lr, n_ep):
    """The reference's weight records, and those of the known mistakes of the update."""
    gradient = shallow_gradient(reference.ShallowNarrowExercise, x, y)
    return (reference.ShallowNarrowExercise(init).train(x, y, lr, n_ep)[1],
            descend(gradient, init, lr, n_ep, sequential=True), quietly(descend, gradient, init, lr, n_ep, sign=1.0))


@by_value
def shallow_expected_losses(reference, x, y, init, lr, n_ep):
    """The reference's loss records."""
    return reference.ShallowNarrowExercise(init).train(x, y, lr, n_ep)[0]


def _expect_shallow_losses(student, reference, losses, weights, run, call):
    """Judged at the student's own weights, by the student's own loss if need be: train's job is the order."""
    x, y, init, lr, n_ep = run
    expected = shallow_expected_losses(reference, x, y, init, lr, n_ep)
    if not (isinstance(weights, np.ndarray) and weights.shape == (n_ep, 2)):
        expect_close(losses, expected, call=f"the loss_records of {call}")
        return
    before = np.vstack([np.array(init, dtype=float), weights[:-1]])
    expect_close_or_own(losses, expected, call=f"the loss_records of {call}", accept=[mse_along(before, x, y)],
                        own=lambda: moving(mse_along(before, x, y, loss=student.loss)),
                        mistakes=[Mistake(LOSS_AFTER, mse_along(weights, x, y))])


# ---------------------------------------------------------------------------------------------- DeepNarrowLNN

DEPTHS = (1, 2, 5, 10, 25, 50)
STABLE_RUNS = (  # the initial weights as shown, as an array, eta, n_epochs
    ("np.full((1, 11), 0.9)", np.full((1, 11), 0.9), 0.01, 150),  # the depth widget at depth 10
    ("np.full((1, 15), 0.8)", np.full((1, 15), 0.8), 0.02, 150),  # the initialization plot
    ("1 + 0.1 * (seeded normal weights of shape (3, 4))",
     1 + 0.1 * np.random.default_rng(SEED).standard_normal((3, 4)), 0.02, 150),
)
EXPLODING = (31, 0.021, 1.1, 100)  # the bonus widget at depth 30 (31 layers), eta 0.021, w_i = 1.1; epochs
DEEP_NO_HALF = "the 1/2 is missing; DeepNarrowLNN.loss is mean((y_t - y_p)**2 / 2)"
DEEP_SUM = "the squared errors were summed; take their mean"
ALL_WEIGHTS = ("the gradient multiplies all the weights; entry i is -mean(x * (y_t - y_p)) times the product of the "
               "others, prod(W) / W_i")
DEEP_SIGN = "the gradient's sign is flipped; dW = -mean(x * (y_t - y_p)) * (product of the other weights)"
DEEP_DOUBLE = "the gradient is twice too large: with the 1/2 in the loss, the 2 of the square cancels"
DEEP_GRADIENT_SUM = "the gradient was summed over the samples; take the mean, as the loss does"
NO_STOP = ("training went on after the gradient held inf or NaN; check the gradient before the update and return "
           "loss_records right away")
NOT_NAN = ("the records after the stop are not NaN; fill loss_records with np.nan before the loop (np.empty and "
           "np.zeros leave other values)")
DEEP_LOSS_AFTER = "the loss was recorded after the update; record self.loss(y_t, self.forward(x)) before it"


def layer_weights(depth):
    """Seeded weights of magnitude 0.8 to 1.2 and mixed signs: away from 0, where the seed's prod(W) / (W + 1e-9)
    agrees with the exact product of the others."""
    generator = np.random.default_rng(depth)
    return generator.uniform(0.8, 1.2, (1, depth)) * generator.choice([-1.0, 1.0], (1, depth))


def deep_samples(reference):
    """The data of the tutorial's depth widgets: gen_samples(100, 2.0, 0.1) after set_seed(2021)."""
    return seeded_samples(reference, 100, 2.0, 0.1)


def seed_route_gradient(model, x, y_t, y_p):
    """The seed's own dloss_dw, prod(W) / (W + 1e-9): a correct route the contract accepts."""
    return -np.mean(x * (y_t - y_p)) * np.prod(model.W) / (model.W + 1e-9)


@by_value
def reference_run(reference, init, x, y, eta, n_epochs):
    """The reference's train: its records and the final weights."""
    model = reference.DeepNarrowLNN(np.array(init))
    return quietly(model.train, x, y, eta, n_epochs), model.W


@by_value
def deep_run(reference, init, x, y, eta, n_epochs, *, gradient=None, stop=True, loss_after=False):
    """Train the reference network another way; its records and final weights. The keywords build the seed's route
    and the known mistakes: `gradient(model, x, y_t, y_p)` in place of dloss_dw, going on past inf, recording late."""
    model = reference.DeepNarrowLNN(np.array(init))
    gradient = gradient or type(model).dloss_dw
    records = np.full(n_epochs, np.nan)
    for epoch in range(n_epochs):
        y_p = model.forward(x)
        step = gradient(model, x, y, y_p)
        if stop and not np.isfinite(step).all():
            records[epoch] = model.loss(y, y_p)
            break
        model.W = model.W - eta * step
        records[epoch] = model.loss(y, model.forward(x) if loss_after else y_p)
    return records, model.W


def own_deep_run(student, init, x, y, eta, n_epochs):
    """What a correct train returns on top of the student's own forward, loss and dloss_dw, and the final weights."""
    W = np.array(init, dtype=np.float64).reshape(1, -1)
    records = np.full(n_epochs, np.nan)
    for epoch in range(n_epochs):
        model = student.DeepNarrowLNN(W)
        y_p = as_numbers(model.forward(x))
        records[epoch] = as_numbers(model.loss(y, y_p))
        step = as_numbers(model.dloss_dw(x, y, y_p))
        if not np.isfinite(step).all():
            break
        W = W - eta * step
    return records, W


@graded("DeepNarrowLNN: forward returns prod(W) * x for weights of any shape", points=2)
def test_deep_forward(student, reference):
    x, _ = deep_samples(reference)
    for init in (np.full((1, 11), 0.9), layer_weights(50).ravel(), layer_weights(6).reshape(2, 3), np.array([1.5])):
        expect_close(as_numbers(student.DeepNarrowLNN(init).forward(x)), reference.DeepNarrowLNN(init).forward(x),
                     call=f"DeepNarrowLNN({describe(init)}).forward(x) on gen_samples(100, 2.0, 0.1)")


@graded("DeepNarrowLNN: loss(y_t, y_p) is mean((y_t - y_p)**2 / 2)", points=2)
def test_deep_loss(student, reference):
    x, y = deep_samples(reference)
    init = np.full((1, 11), 0.9)
    model, expected_model = student.DeepNarrowLNN(init), reference.DeepNarrowLNN(init)
    for y_p in (expected_model.forward(x), np.zeros_like(y), y + 0.5):
        squared = (y - y_p) ** 2
        expect_close(as_numbers(model.loss(y, y_p)), float(expected_model.loss(y, y_p)),
                     call=describe_call("DeepNarrowLNN(np.full((1, 11), 0.9)).loss", (y, y_p)),
                     mistakes=[Mistake(DEEP_NO_HALF, float(squared.mean())),
                               Mistake(DEEP_SUM, float(squared.sum() / 2))])


@graded("DeepNarrowLNN: dloss_dw is the gradient of the loss for depths 1 to 50", points=3)
def test_deep_gradient(student, reference):
    x, y = deep_samples(reference)
    for depth in DEPTHS:
        W = layer_weights(depth)
        y_p = np.prod(W) * x
        call = f"DeepNarrowLNN(W).dloss_dw(x, y_t, y_p) for seeded weights W of shape (1, {depth})"
        got = as_numbers(student.DeepNarrowLNN(W).dloss_dw(x, y, y_p))
        expect_array(got, W.shape, call=call, expected=f"an array shaped like W, {W.shape}")
        exact = reference.DeepNarrowLNN(W).dloss_dw(x, y, y_p)
        all_weights = -np.mean(x * (y - y_p)) * np.prod(W) * np.ones_like(W)
        expect_gradient(got, lambda w: np.mean((y - np.prod(w) * x) ** 2 / 2), W, call=call,
                        mistakes=[Mistake(ALL_WEIGHTS, all_weights), Mistake(DEEP_SIGN, -exact),
                                  Mistake(DEEP_DOUBLE, 2 * exact), Mistake(DEEP_GRADIENT_SUM, exact * len(x))])


@graded("DeepNarrowLNN: train records the loss before each update on the tutorial's runs", points=3)
def test_deep_train(student, reference):
    x, y = deep_samples(reference)
    for shown, init, eta, n_epochs in STABLE_RUNS:
        run = (reference, init, x, y, eta, n_epochs)
        expect_close_or_own(
            as_numbers(student.DeepNarrowLNN(init).train(x, y, eta, n_epochs)), reference_run(*run)[0],
            call=f"DeepNarrowLNN({shown}).train(x, y_t, {eta}, {n_epochs})",
            accept=[deep_run(*run, gradient=seed_route_gradient)[0]],
            own=lambda: moving(own_deep_run(student, init, x, y, eta, n_epochs)[0]),
            mistakes=[Mistake(DEEP_LOSS_AFTER, deep_run(*run, loss_after=True)[0])])


@graded("DeepNarrowLNN: train stops at the first inf or NaN gradient; later records stay NaN", points=2)
def test_deep_train_stops(student, reference):
    x, y = deep_samples(reference)
    layers, eta, value, n_epochs = EXPLODING
    init = np.full((1, layers), value)
    call = f"DeepNarrowLNN(np.full((1, {layers}), {value})).train(x, y_t, {eta}, {n_epochs})"
    run = (reference, init, x, y, eta, n_epochs)
    expected, seed_route = reference_run(*run), quietly(deep_run, *run, gradient=seed_route_gradient)
    no_stop, loss_after = quietly(deep_run, *run, stop=False), quietly(deep_run, *run, loss_after=True)
    own = functools.cache(lambda: quietly(own_deep_run, student, init, x, y, eta, n_epochs))
    model = student.DeepNarrowLNN(init)
    got = as_numbers(model.train(x, y, eta, n_epochs))
    expect_close_or_own(got, expected[0], call=call, accept=[seed_route[0]], own=lambda: moving(own()[0]),
                        mistakes=[Mistake(NO_STOP, no_stop[0]), Mistake(DEEP_LOSS_AFTER, loss_after[0]),
                                  Mistake(NOT_NAN, _after_stop(expected[0], got))])
    expect_close_or_own(as_numbers(model.W), expected[1], call=f"self.W after {call}", accept=[seed_route[1]],
                        own=lambda: moving(own()[0], own()[1]), mistakes=[Mistake(NO_STOP, no_stop[1])])


def _after_stop(expected, got):
    """`expected` up to its first NaN, then `got`: equal to `got` exactly when only the records after the stop differ."""
    if not (isinstance(got, np.ndarray) and got.shape == expected.shape):
        return expected
    stop = int(np.argmax(np.isnan(expected)))
    return np.concatenate([expected[:stop], got[stop:]])
