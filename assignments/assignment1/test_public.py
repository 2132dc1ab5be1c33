"""Public tests of assignment1: small worked examples and the rules of training.

Run them with `grade assignment1` in the folder holding narrow_lnn.py (or .ipynb).
Your instructor's hidden tests check much more; these catch the first mistakes.
Training is checked against your own loss and dloss_dw, so that a mistake there
is reported once, by the tests of those functions.
"""
import numpy as np

from autograder.checks import (StudentFault, describe, describe_call, expect_close, expect_raises, expect_that, graded,
                               seed_everything)

SEED = 2021


def tutorial_samples(n, a, sigma):
    """gen_samples(n, a, sigma) right after set_seed(2021), drawn here as the tutorial draws them."""
    seed_everything(SEED)
    x = np.random.rand(n)
    return x, a * x + np.random.normal(scale=sigma, size=n)


def numbers(value, call):
    """Your value as float64 (a float for a single number), or a failure naming the call that returned it."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise StudentFault(f"{call} returned {describe(value)}; expected numbers.") from None
    return float(array) if array.ndim == 0 else array


@graded("loss: the mean squared error of [1, 2, 3] against [1, 1, 1] is 5/3")
def test_loss_small_example(student):
    y_prediction, y_true = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])
    call = describe_call("loss", (y_prediction, y_true))
    expect_close(numbers(student.loss(y_prediction, y_true), call), 5 / 3, call=call)


@graded("loss: rejects a prediction and labels of different shapes (assert or ValueError)", core=False)
def test_loss_rejects_shape_mismatch(student):
    expect_raises((AssertionError, ValueError), student.loss, np.ones(5), np.zeros((5, 1)), because="the shapes differ",
                  mistake="the shapes were not compared, so numpy broadcast them; start with "
                          "assert y_prediction.shape == y_true.shape")


@graded("ShallowNarrowExercise: forward and dloss_dw for w = [1.5, 2.0] on two samples")
def test_shallow_small_example(student):
    init, x, y = [1.5, 2.0], np.array([1.0, 2.0]), np.array([2.0, 4.0])
    model, shown = student.ShallowNarrowExercise(init), f"ShallowNarrowExercise({describe(init)})"
    call = describe_call(f"{shown}.forward", (x,))
    expect_close(numbers(model.forward(x), call), np.array([3.0, 6.0]), call=call)
    call = describe_call(f"{shown}.dloss_dw", (x, y))
    expect_close(numbers(model.dloss_dw(x, y), call), np.array([10.0, 7.5]), call=call)


@graded("ShallowNarrowExercise: train records the loss, then steps down your dloss_dw")
def test_shallow_train_first_steps(student):
    x, y = tutorial_samples(73, 2.0, 0.2)
    call = "ShallowNarrowExercise([1.4, -1.6]).train(x_train, y_train, 0.02, 211) after set_seed(2021)"
    got = student.ShallowNarrowExercise([1.4, -1.6]).train(x, y, 0.02, 211)
    expect_that(isinstance(got, tuple) and len(got) == 2 and np.shape(got[0]) == (211,)
                and np.shape(got[1]) == (211, 2),
                f"{call} returned {describe(got)}; expected (loss_records, weight_records) of shapes (211,), (211, 2).")
    losses, weights = numbers(got[0], call), numbers(got[1], call)
    w = np.array([1.4, -1.6])
    for epoch in range(3):
        expect_close(losses[epoch], numbers(student.loss(x * w[0] * w[1], y), "loss(forward(x), y_true)"),
                     call=f"loss_records[{epoch}] of {call} (your loss at the weights before update {epoch})")
        step = numbers(student.ShallowNarrowExercise([w[0], w[1]]).dloss_dw(x, y), f"dloss_dw at {w}")
        w = w - 0.02 * step
        expect_close(weights[epoch], w, call=f"weight_records[{epoch}] of {call} (w - lr * your dloss_dw)")


@graded("ShallowNarrowExercise: accepts init_weights as a list, a tuple or a numpy array", core=False)
def test_shallow_weight_containers(student):
    x = np.linspace(0.0, 1.0, 5)
    listed = describe_call(f"ShallowNarrowExercise({describe([1.5, -0.5])}).forward", (x,))
    own = numbers(student.ShallowNarrowExercise([1.5, -0.5]).forward(x), listed)
    for init in ((1.5, -0.5), np.array([1.5, -0.5])):
        call = describe_call(f"ShallowNarrowExercise({describe(init)}).forward", (x,))
        expect_close(numbers(student.ShallowNarrowExercise(init).forward(x), call), own,
                     call=f"{call}, compared with what {listed} returns")


@graded("DeepNarrowLNN: forward, loss and dloss_dw for W = [[0.5, 2, 3]] on two samples")
def test_deep_small_example(student):
    W = np.array([[0.5, 2.0, 3.0]])
    model, shown = student.DeepNarrowLNN(W), f"DeepNarrowLNN({describe(W)})"
    x, y, y_p = np.array([1.0, 2.0]), np.array([2.0, 4.0]), np.array([3.0, 6.0])
    for method, args, expected in (("forward", (x,), y_p), ("loss", (y, y_p), 1.25),
                                   ("dloss_dw", (x, y, y_p), np.array([[15.0, 3.75, 2.5]]))):
        call = describe_call(f"{shown}.{method}", args)
        expect_close(numbers(getattr(model, method)(*args), call), expected, call=call)


@graded("DeepNarrowLNN: train stops once the loss overflows; the later records are NaN")
def test_deep_exploding_run(student):
    x, y = tutorial_samples(100, 2.0, 0.1)
    call = "DeepNarrowLNN(np.full((1, 31), 1.1)).train(x_train, y_train, 0.021, 100) after set_seed(2021)"
    records = numbers(student.DeepNarrowLNN(np.full((1, 31), 1.1)).train(x, y, 0.021, 100), call)
    expect_that(np.shape(records) == (100,), f"{call} returned {describe(records)}; expected 100 loss records.")
    overflow = np.flatnonzero(~np.isfinite(records))
    expect_that(overflow.size > 0, f"{call} returned finite records only; expected the loss to overflow to inf "
                                   f"within a few epochs (the tutorial's run: 52.29, 373.5, 3.054e+66, inf, nan, ...).")
    expect_that(np.isnan(records[overflow[0] + 1:]).all(),
                f"{call} returned {describe(records[overflow[0]:overflow[0] + 3])} from epoch {overflow[0]} on; "
                f"expected NaN after the first record that is not finite, since training stops there.")
