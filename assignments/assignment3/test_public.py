"""Public tests of assignment3: the notebook's printed values, step by step.

Run them with `grade assignment3` in the folder holding optimizers.py (or .ipynb).
Your instructor's hidden tests check much more (100 steps of each optimizer against
torch.optim, the returned state, the defaults); these catch the first mistakes.
"""
import numpy as np

from autograder.checks import (Mistake, RaisedError, describe, expect_close, expect_returns, expect_that,
                               expect_unchanged, graded, probes)

THETA, GRAD, ZEROS = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
TINY_GRAD = np.array([2e-6, -1e-6])  # so small that sqrt of the squared gradients is near eps: where eps goes shows
EPS_IN_SQRT = "eps is added inside the square root; add it to the root instead: sqrt(...) + eps"
TORCH_FORM = ("the velocity is kept in torch's form, v = mu*v + grad; this exercise's velocity is "
              "v = mu*v + lr*grad, with theta = theta - v")
LIKE_ADAGRAD = ("sq_avg accumulates like Adagrad's running sum; RMSprop keeps a moving average, "
                "alpha*sq_avg + (1 - alpha)*grad**2")
ADAM_FIRST_STEP_MISTAKES = [  # (what went wrong, the theta it gives after the first step)
    ("m and v are used without bias correction; divide them by 1 - beta1**t and 1 - beta2**t",
     [0.9968377243398303, 2.0031622766601687]),
    ("the bias correction uses beta**(t + 1); t is already the 1-based step number, so use beta1**t and beta2**t",
     [0.9992558631974752, 2.000744136813046]),
]


@graded("sgd_step: the notebook's step, theta - lr * grad")
def test_sgd_step_example(student):
    expect_returns(student.sgd_step, THETA, GRAD, 0.1, expected=np.array([0.95, 2.1]))


@graded("sgd_step: a step with lr = 0.01 and a gradient of many digits")
def test_sgd_step_many_digits(student):
    expect_returns(student.sgd_step, THETA, np.array([0.123456789, -0.987654321]), 0.01,
                   expected=np.array([0.99876543211, 2.00987654321]))


@graded("momentum_step: the notebook's first two steps from zero velocity")
def test_momentum_step_example(student):
    expect_returns(student.momentum_step, THETA, GRAD, ZEROS, 0.1,
                   expected=(np.array([0.95, 2.1]), np.array([0.05, -0.1])),
                   mistakes=[Mistake(TORCH_FORM, (np.array([0.95, 2.1]), np.array([0.5, -1.0])))])
    expect_returns(student.momentum_step, np.array([0.95, 2.1]), GRAD, np.array([0.05, -0.1]), 0.1,
                   expected=(np.array([0.855, 2.29]), np.array([0.095, -0.19])))


@graded("adagrad_step: the notebook's first step moves every parameter by lr")
def test_adagrad_step_example(student):
    expect_returns(student.adagrad_step, THETA, GRAD, ZEROS, 0.1,
                   expected=(np.array([0.9, 2.1]), np.array([0.25, 1.0])))


@graded("rmsprop_step: the notebook's first step with the default lr, alpha and eps")
def test_rmsprop_step_example(student):
    expect_returns(student.rmsprop_step, THETA, GRAD, ZEROS,
                   expected=(np.array([0.900000019999996, 2.099999990000001]), np.array([0.0025, 0.01])),
                   mistakes=[Mistake(LIKE_ADAGRAD, (np.array([0.9900000002, 2.0099999999]), np.array([0.25, 1.0])))])


@graded("adam_step: the notebook's first step (t=1) with the default lr, betas and eps")
def test_adam_step_example(student):
    expect_returns(student.adam_step, THETA, GRAD, ZEROS, ZEROS, 1,
                   expected=(np.array([0.99900000002, 2.00099999999]), np.array([0.05, -0.1]),
                             np.array([0.00025, 0.001])),
                   mistakes=[Mistake(message, (np.array(theta), np.array([0.05, -0.1]), np.array([0.00025, 0.001])))
                             for message, theta in ADAM_FIRST_STEP_MISTAKES])


@graded("adam_step: the notebook's 100 steps with lr=0.1 on its example problem")
def test_adam_step_example_problem(student):
    rng = np.random.default_rng(2023)
    x = rng.normal(size=(50, 3))
    y = x @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.normal(size=50)
    expect_close(final_theta(student, x, y), np.array([2.00312704, -1.0189654, 0.50475596]), rtol=1e-7, atol=1e-8,
                 call="theta after the notebook's 100 calls of adam_step(theta, grad, m, v, t, lr=0.1)")


def final_theta(student, x, y):
    """theta after the notebook's 100 Adam steps, all taken in the sandbox in one round trip; replayed here one
    call at a time when a step raises or returns something else than float64 arrays of shape (3,), so that the
    sentence names the call."""
    try:  # three arrays, not one thrice: a request keeps which arguments are the same object
        answer = student.run(probes.trajectory, student.adam_step, x, y, np.zeros(3), (np.zeros(3), np.zeros(3)),
                             (0.1,), True, 100,
                             label="the notebook's 100 calls of adam_step(theta, grad, m, v, t, lr=0.1)")
        if answer["steps"] == 100 and answer["path"][0].shape == (100, 3):
            return answer["path"][0][-1]
    except RaisedError:
        pass
    theta, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    for t in range(1, 101):
        result = student.adam_step(theta, x.T @ (x @ theta - y) / len(y), m, v, t, 0.1)
        expect_that(isinstance(result, (tuple, list)) and len(result) == 3
                    and all(isinstance(part, np.ndarray) and part.shape == (3,) for part in result),
                    f"adam_step(theta, grad, m, v, t={t}, lr=0.1) returned {describe(result)}; expected a tuple "
                    f"(theta, m, v) of numpy arrays of shape (3,).")
        theta, m, v = result
    return theta


@graded("adagrad_step: a first step with gradients around 1e-6, where eps matters")
def test_adagrad_step_tiny_gradient(student):
    expect_returns(student.adagrad_step, THETA, TINY_GRAD, ZEROS, 0.1,
                   expected=(np.array([0.9000049997500125, 2.0999900009999]), np.array([4e-12, 1e-12])),
                   mistakes=[Mistake(EPS_IN_SQRT, (np.array([0.9803883864861817, 2.0099503719020997]),
                                            np.array([4e-12, 1e-12])))])


@graded("rmsprop_step: a first step with gradients around 1e-6, where eps matters")
def test_rmsprop_step_tiny_gradient(student):
    expect_returns(student.rmsprop_step, THETA, TINY_GRAD, ZEROS, 0.01,
                   expected=(np.array([0.9047619047619048, 2.090909090909091]),
                             np.array([4.000000000000004e-14, 1.000000000000001e-14])))


@graded("adam_step: a first step (t=1) with gradients around 1e-6, where eps matters")
def test_adam_step_tiny_gradient(student):
    expect_returns(student.adam_step, THETA, TINY_GRAD, ZEROS, ZEROS, 1, 0.1,
                   expected=(np.array([0.900497512437811, 2.099009900990099]), np.array([2e-07, -1e-07]),
                             np.array([4e-15, 1e-15])),
                   mistakes=[Mistake(EPS_IN_SQRT, (np.array([0.99800039988004, 2.0009999500037496]),
                                                   np.array([2e-07, -1e-07]), np.array([4e-15, 1e-15])))])


IN_PLACE = ("{argument} was updated in place ({argument} -= ... or {argument} *= ...); compute the new value as a new "
            "array and return it")


@graded("sgd_step: the example step leaves theta and grad as they were", core=False)
def test_sgd_step_inputs_unchanged(student):
    expect_unchanged(student, student.sgd_step, THETA, GRAD, 0.1, names=("theta", "grad"), mistake=IN_PLACE)


@graded("momentum_step: the example step leaves theta, grad and velocity as they were", core=False)
def test_momentum_step_inputs_unchanged(student):
    expect_unchanged(student, student.momentum_step, THETA, GRAD, np.array([0.05, -0.1]), 0.1,
                     names=("theta", "grad", "velocity"), mistake=IN_PLACE)


@graded("adagrad_step: the example step leaves theta, grad and g_sum as they were", core=False)
def test_adagrad_step_inputs_unchanged(student):
    expect_unchanged(student, student.adagrad_step, THETA, GRAD, np.array([0.25, 1.0]), 0.1,
                     names=("theta", "grad", "g_sum"), mistake=IN_PLACE)


@graded("rmsprop_step: the example step leaves theta, grad and sq_avg as they were", core=False)
def test_rmsprop_step_inputs_unchanged(student):
    expect_unchanged(student, student.rmsprop_step, THETA, GRAD, np.array([0.0025, 0.01]),
                     names=("theta", "grad", "sq_avg"), mistake=IN_PLACE)


@graded("adam_step: the example step leaves theta, grad, m and v as they were", core=False)
def test_adam_step_inputs_unchanged(student):
    expect_unchanged(student, student.adam_step, THETA, GRAD, np.array([0.05, -0.1]), np.array([0.00025, 0.001]), 2,
                     names=("theta", "grad", "m", "v"), mistake=IN_PLACE)
