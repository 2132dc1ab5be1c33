"""Hidden tests of assignment3 (optimizers): each update rule replayed for 100 steps against torch.optim.

    sandbox (probes.trajectory, one round trip for all 100 steps): gradient of the least-squares loss
        at the student's current theta --> student's step(theta, grad, *state[, t], *hyperparameters)
        --> the returned (theta, *state) is fed back for the next step --> every step's values, stacked
    grader: torch.optim.<Optimizer> in float64 on the same problem --> the expected theta and state
        (and the known wrong variants' paths), computed once per process: a batch reuses them

Paths are compared at steps 1, 2, 3, 10 and 100 to about 1e-9 relative, as the contract
promises agreement with torch to about 1e-10. A wrong path is named by replaying the
known wrong variants below on the same problem and finding the one it follows.
"""
import functools
import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch


from autograder.checks import (Mistake, RaisedError, StudentFault, describe, describe_call, expect_unchanged,
                               mismatch, probes, row)

STEPS = 100
CHECKPOINTS = (1, 2, 3, 10, 100)
RTOL = 1e-9  # torch agrees to ~1e-14 here; 1e-9 leaves room for any order of operations, not for a misplaced eps
SAMPLES = 40


# ---------------------------------------------------------------------------------------------- problems

@dataclass(frozen=True)
class Problem:
    """A seeded least-squares problem: minimise mean((x @ theta - y)**2) / 2, starting from theta0."""
    shown: str
    seed: int
    shape: tuple[int, ...]  # of theta: (n,) or (n, outputs)
    scale: float = 1.0  # of x; 1e-3 brings the gradients down to about 1e-6


PROBLEM_A = Problem("least-squares problem A (40 samples, 4 parameters)", seed=11, shape=(4,))
PROBLEM_B = Problem("least-squares problem B (40 samples, a 3x2 parameter matrix)", seed=12, shape=(3, 2))
PROBLEM_SMALL = Problem("least-squares problem C, whose gradients are around 1e-6", seed=13, shape=(4,),
                        scale=1e-3)


@functools.cache
def least_squares(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The problem's inputs x, targets y and starting point theta0 (never modified)."""
    rng = np.random.default_rng(problem.seed)
    x = rng.normal(size=(SAMPLES, problem.shape[0])) * problem.scale
    y = x @ rng.normal(size=problem.shape) + 0.1 * problem.scale * rng.normal(size=(SAMPLES, *problem.shape[1:]))
    return x, y, rng.normal(size=problem.shape)


def gradient(problem: Problem, theta: np.ndarray) -> np.ndarray:
    """The seed's least-squares gradient x.T @ (x @ theta - y) / m, at theta."""
    x, y, _ = least_squares(problem)
    return x.T @ (x @ theta - y) / len(y)


# ---------------------------------------------------------------------------------------------- update rules

@dataclass(frozen=True)
class Rule:
    """One graded step function: its state, its hyperparameters and the torch optimizer it reproduces."""
    name: str
    state: tuple[str, ...]  # the state arrays after grad in the signature, returned after theta
    hyper: tuple[str, ...]  # the hyperparameters after the state (and t), in the signature's order
    optimizer: str  # how feedback names the torch optimizer
    make: Callable  # (params, *hyper) -> the torch optimizer
    read: Callable  # (torch's state of the parameter, *hyper) -> the contract's state arrays
    counts_steps: bool = False  # takes the 1-based step number t after the state

    def call(self, run: "Run") -> str:
        """The call as the student would write it, e.g. `adam_step(theta, grad, m, v, t, lr=0.01, ...)`."""
        hyper = ", ".join(f"{name}={value!r}" for name, value in zip(self.hyper, run.hyper))
        return f"{self.name}({', '.join(self.arguments)}, {hyper})"

    @property
    def arguments(self) -> tuple[str, ...]:
        return ("theta", "grad", *self.state, *(("t",) if self.counts_steps else ()))

    @property
    def returned(self) -> str:
        """What the step returns, as the exercise writes it."""
        return "theta" if not self.state else f"({', '.join(('theta', *self.state))})"


RULES = {rule.name: rule for rule in (
    Rule("sgd_step", (), ("lr",), "torch.optim.SGD",
         lambda params, lr: torch.optim.SGD(params, lr=lr), lambda state, lr: ()),
    Rule("momentum_step", ("velocity",), ("lr", "mu"), "torch.optim.SGD(momentum=mu)",
         lambda params, lr, mu: torch.optim.SGD(params, lr=lr, momentum=mu),
         lambda state, lr, mu: (state["momentum_buffer"].numpy() * lr,)),
    Rule("adagrad_step", ("g_sum",), ("lr", "eps"), "torch.optim.Adagrad",
         lambda params, lr, eps: torch.optim.Adagrad(params, lr=lr, eps=eps),
         lambda state, lr, eps: (state["sum"].numpy().copy(),)),
    Rule("rmsprop_step", ("sq_avg",), ("lr", "alpha", "eps"), "torch.optim.RMSprop",
         lambda params, lr, alpha, eps: torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps),
         lambda state, lr, alpha, eps: (state["square_avg"].numpy().copy(),)),
    Rule("adam_step", ("m", "v"), ("lr", "beta1", "beta2", "eps"), "torch.optim.Adam",
         lambda params, lr, beta1, beta2, eps: torch.optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps),
         lambda state, *hyper: (state["exp_avg"].numpy().copy(), state["exp_avg_sq"].numpy().copy()),
         counts_steps=True),
)}

# What torch keeps, in the words of the state tests.
TORCH_STATE = {"velocity": "torch's momentum_buffer times lr", "g_sum": "torch's state 'sum'",
               "sq_avg": "torch's state 'square_avg'", "m": "torch's exp_avg", "v": "torch's exp_avg_sq"}


@dataclass(frozen=True)
class Run:
    """A problem and the hyperparameters a rule takes 100 steps with."""
    problem: Problem
    hyper: tuple


RUNS = {  # ordinary gradients: different hyperparameters on each problem, so a hard-coded one shows
    "sgd_step": (Run(PROBLEM_A, (0.1,)), Run(PROBLEM_B, (0.3,))),
    "momentum_step": (Run(PROBLEM_A, (0.05, 0.9)), Run(PROBLEM_B, (0.1, 0.5))),
    "adagrad_step": (Run(PROBLEM_A, (0.1, 1e-10)), Run(PROBLEM_B, (0.5, 1e-6))),
    "rmsprop_step": (Run(PROBLEM_A, (0.01, 0.99, 1e-8)), Run(PROBLEM_B, (0.02, 0.9, 1e-6))),
    "adam_step": (Run(PROBLEM_A, (0.01, 0.9, 0.999, 1e-8)), Run(PROBLEM_B, (0.05, 0.8, 0.99, 1e-7))),
}
SMALL_RUNS = {  # gradients around 1e-6: sqrt of the second moment is near eps, so where eps goes shows
    "adagrad_step": Run(PROBLEM_SMALL, (0.01, 1e-10)),
    "rmsprop_step": Run(PROBLEM_SMALL, (0.001, 0.99, 1e-8)),
    "adam_step": Run(PROBLEM_SMALL, (0.001, 0.9, 0.999, 1e-8)),
}


# ---------------------------------------------------------------------------------------------- known mistakes

def sgd_uphill(theta, grad, lr):
    return theta + lr * grad


def momentum_torch_form(theta, grad, velocity, lr, mu=0.9):
    velocity = mu * velocity + grad
    return theta - lr * velocity, velocity


def momentum_lr_twice(theta, grad, velocity, lr, mu=0.9):
    velocity = mu * velocity + lr * grad
    return theta - lr * velocity, velocity


def momentum_opposite_sign(theta, grad, velocity, lr, mu=0.9):
    velocity = mu * velocity - lr * grad
    return theta + velocity, velocity


def adagrad_eps_in_sqrt(theta, grad, g_sum, lr=0.01, eps=1e-10):
    g_sum = g_sum + grad ** 2
    return theta - lr * grad / np.sqrt(g_sum + eps), g_sum


def adagrad_not_squared(theta, grad, g_sum, lr=0.01, eps=1e-10):
    g_sum = g_sum + grad
    return theta - lr * grad / (np.sqrt(g_sum) + eps), g_sum


def adagrad_old_sum(theta, grad, g_sum, lr=0.01, eps=1e-10):
    return theta - lr * grad / (np.sqrt(g_sum) + eps), g_sum + grad ** 2


def rmsprop_like_adagrad(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    sq_avg = sq_avg + grad ** 2
    return theta - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg


def rmsprop_swapped_alpha(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    sq_avg = (1 - alpha) * sq_avg + alpha * grad ** 2
    return theta - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg


def rmsprop_eps_in_sqrt(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    sq_avg = alpha * sq_avg + (1 - alpha) * grad ** 2
    return theta - lr * grad / np.sqrt(sq_avg + eps), sq_avg


def adam_with(correct_m=lambda m, beta1, t: m / (1 - beta1 ** t), correct_v=lambda v, beta2, t: v / (1 - beta2 ** t),
              square=lambda grad: grad ** 2, denominator=lambda v_hat, eps: np.sqrt(v_hat) + eps):
    """An Adam step with one part swapped for a wrong one."""
    def step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * square(grad)
        return theta - lr * correct_m(m, beta1, t) / denominator(correct_v(v, beta2, t), eps), m, v
    return step


def adam_eps_before_correction(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return theta - lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + eps), m, v


def sgd(theta, grad, lr):
    return theta - lr * grad


def momentum(theta, grad, velocity, lr, mu=0.9):
    velocity = mu * velocity + lr * grad
    return theta - velocity, velocity


def adagrad(theta, grad, g_sum, lr=0.01, eps=1e-10):
    g_sum = g_sum + grad ** 2
    return theta - lr * grad / (np.sqrt(g_sum) + eps), g_sum


def rmsprop(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    sq_avg = alpha * sq_avg + (1 - alpha) * grad ** 2
    return theta - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg


CORRECT = {"sgd_step": sgd, "momentum_step": momentum, "adagrad_step": adagrad, "rmsprop_step": rmsprop,
           "adam_step": adam_with()}


def rounded(step, decimals: int):
    """A correct step whose results are rounded to `decimals` decimals."""
    def step_rounded(*arguments):
        result = step(*arguments)
        return tuple(np.round(part, decimals) for part in result) if isinstance(result, tuple) else np.round(
            result, decimals)
    return step_rounded


def fixed_eps(step, value: float):
    """A correct step that ignores the eps it is given (the last argument of every run) and uses `value`."""
    return lambda *arguments: step(*arguments[:-1], value)


ROUNDED_RESULTS = ("the returned values are rounded to {decimals} decimals (round(), np.round or printing and "
                   "reading back); return them at full precision, or the error grows step after step")
FIXED_EPS = ("eps is the constant {value:g} instead of the eps argument, which the tests vary; use eps as it is "
             "passed in")


def eps_in_sqrt(state):
    return f"eps is added inside the square root, sqrt({state} + eps); add it to the root instead: sqrt({state}) + eps"


def not_squared(state):
    return f"the gradient is not squared in {state} (grad where grad**2 belongs)"


T_OFF_BY_ONE = ("the bias correction uses the wrong power of beta: t is already the 1-based step number, so divide "
                "by 1 - beta1**t and 1 - beta2**t (not t + 1 as in a loop counting from 0, nor t - 1)")
VARIANTS = {
    "sgd_step": [Mistake("the step goes uphill (theta + lr*grad); gradient descent subtracts: theta - lr*grad",
                         sgd_uphill)],
    "momentum_step": [
        Mistake("the velocity is kept in torch's form (v = mu*v + grad, theta = theta - lr*v): theta follows the "
                "same path, but the velocity this exercise returns is v = mu*v + lr*grad, lr times torch's, with "
                "theta = theta - v", momentum_torch_form),
        Mistake("the learning rate is applied twice (v = mu*v + lr*grad, then theta - lr*v); lr is already in the "
                "velocity, so theta = theta - v", momentum_lr_twice),
        Mistake("the velocity has the opposite sign (v = mu*v - lr*grad, theta = theta + v); this exercise's "
                "velocity is v = mu*v + lr*grad, with theta = theta - v", momentum_opposite_sign),
    ],
    "adagrad_step": [
        Mistake(eps_in_sqrt("g_sum"), adagrad_eps_in_sqrt),
        Mistake(not_squared("g_sum"), adagrad_not_squared),
        Mistake("theta is updated with g_sum from before this step; add grad**2 to g_sum first, then divide by "
                "sqrt(g_sum) + eps", adagrad_old_sum),
    ],
    "rmsprop_step": [
        Mistake("sq_avg accumulates like Adagrad's running sum (sq_avg + grad**2); RMSprop keeps a moving average: "
                "alpha*sq_avg + (1 - alpha)*grad**2", rmsprop_like_adagrad),
        Mistake("alpha and 1 - alpha are swapped; the old average keeps the weight alpha: "
                "alpha*sq_avg + (1 - alpha)*grad**2", rmsprop_swapped_alpha),
        Mistake(eps_in_sqrt("sq_avg"), rmsprop_eps_in_sqrt),
    ],
    "adam_step": [
        Mistake("m and v are used without bias correction; divide them by 1 - beta1**t and 1 - beta2**t, which "
                "matters most in the first steps", adam_with(lambda m, beta1, t: m, lambda v, beta2, t: v)),
        Mistake(T_OFF_BY_ONE, adam_with(lambda m, beta1, t: m / (1 - beta1 ** (t + 1)),
                                        lambda v, beta2, t: v / (1 - beta2 ** (t + 1)))),
        Mistake(T_OFF_BY_ONE, adam_with(lambda m, beta1, t: m / (1 - beta1 ** (t - 1)),
                                        lambda v, beta2, t: v / (1 - beta2 ** (t - 1)))),
        Mistake(eps_in_sqrt("v_hat"), adam_with(denominator=lambda v_hat, eps: np.sqrt(v_hat + eps))),
        Mistake(not_squared("v"), adam_with(square=lambda grad: grad)),
        Mistake("eps is added to sqrt(v) before the bias correction (the Adam paper's 'efficient' form); this "
                "exercise adds it after: m_hat / (sqrt(v_hat) + eps)", adam_eps_before_correction),
    ],
}


for _name, _step in CORRECT.items():
    VARIANTS[_name] += [Mistake(ROUNDED_RESULTS.format(decimals=decimals), rounded(_step, decimals))
                        for decimals in (2, 3, 4, 5, 6)]
    if "eps" in RULES[_name].hyper:
        VARIANTS[_name] += [Mistake(FIXED_EPS.format(value=value), fixed_eps(_step, value))
                            for value in (1e-6, 1e-7, 1e-8, 1e-10)]


# ---------------------------------------------------------------------------------------------- replaying paths

def replay(rule: Rule, run: Run, step) -> list[tuple[np.ndarray, ...]]:
    """Take STEPS steps from theta0 and zero state, feeding back what `step` returns; list each (theta, *state)."""
    theta = least_squares(run.problem)[2]
    state = tuple(np.zeros_like(theta) for _ in rule.state)
    path = []
    with np.errstate(all="ignore"):  # a wrong variant may take the square root of a negative number
        for t in range(1, STEPS + 1):
            arguments = (theta, gradient(run.problem, theta), *state, *((t,) if rule.counts_steps else ()),
                         *run.hyper)
            theta, *state = _unpack(step(*arguments), rule, arguments)
            path.append((theta, *state))
    return path


def _unpack(result, rule: Rule, arguments) -> tuple[np.ndarray, ...]:
    """Check a step returned what the contract says, so that it can be fed back; return it as a tuple."""
    names, shape = ("theta", *rule.state), arguments[0].shape
    parts = result if rule.state else (result,)
    if isinstance(parts, (tuple, list)) and len(parts) == len(names):
        problems = [problem for name, part in zip(names, parts) if (problem := _malformed(name, part, shape))]
        if not problems:
            return tuple(parts)
        clause = f" ({problems[0]})" if rule.state or isinstance(result, np.ndarray) else ""
    else:
        clause = ""
    kind = "a float64 numpy array" if not rule.state else "float64 numpy arrays"
    raise StudentFault(f"{describe_call(rule.name, arguments)} returned {describe(result)}; expected {rule.returned}: "
                       f"{kind} shaped like theta, {shape}{clause}.")


def _malformed(name: str, part, shape: tuple) -> str | None:
    """What keeps `part` from being a float64 array shaped like theta, or None."""
    if not isinstance(part, np.ndarray):
        return f"{name} is {describe(part)}"
    if part.shape != shape:
        return f"{name} has shape {part.shape}"
    return f"{name} is {part.dtype}" if part.dtype != np.float64 else None


@functools.cache
def torch_path(rule: Rule, run: Run) -> list[tuple[np.ndarray, ...]]:
    """What torch.optim does on the same problem, in float64: each (theta, *state) in the contract's form."""
    theta = torch.tensor(least_squares(run.problem)[2], dtype=torch.float64, requires_grad=True)
    step = eager_step(lambda: rule.make([theta], *run.hyper))
    path = []
    for _ in range(STEPS):
        theta.grad = torch.from_numpy(gradient(run.problem, theta.detach().numpy()))
        optimizer = step()
        path.append((theta.detach().numpy().copy(), *rule.read(optimizer.state[theta], *run.hyper)))
    return path


def eager_step(make):
    """A function taking one step of the optimizer `make()` builds and returning it: its own step, run as
    optimizer.step() runs it outside torch.compile, with the same kernels on the same numbers.

    torch.optim's step and add_param_group import torch._dynamo on first use (about as long as importing torch
    itself) only to keep themselves out of compiled graphs; grading compiles nothing, so they run unwrapped.
    """
    add_param_group = torch.optim.Optimizer.add_param_group
    plain = getattr(add_param_group, "__wrapped__", None)
    if plain is not None and "__dynamo_disable" not in vars(plain):
        setattr(plain, "__dynamo_disable", plain)  # what the wrapper caches after importing torch._dynamo
    optimizer = make()
    plain_step = inspect.unwrap(type(optimizer).step)

    def step():
        with torch.no_grad():  # what step's own wrapper sets for an optimizer that is not differentiable
            plain_step(optimizer)
        return optimizer
    return step


@functools.cache
def variant_path(rule: Rule, run: Run, variant) -> list[tuple[np.ndarray, ...]]:
    """Where a known wrong variant goes on the same problem, computed here in the grader."""
    return replay(rule, run, variant)


# The theta test and the state test of a rule share one replay per submission.
_student_paths: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def student_path(student, rule: Rule, run: Run) -> list[tuple[np.ndarray, ...]]:
    """The student's 100 steps on `run`, replayed once per submission; a fault is raised again each time."""
    paths = _student_paths.setdefault(student, {})
    if (rule, run) not in paths:
        try:
            paths[rule, run] = _replayed_in_sandbox(student, rule, run)
        except StudentFault as fault:
            paths[rule, run] = fault
    if isinstance(paths[rule, run], StudentFault):
        raise paths[rule, run]
    return paths[rule, run]


def _replayed_in_sandbox(student, rule: Rule, run: Run) -> list[tuple[np.ndarray, ...]]:
    """The student's path, all 100 steps taken in the sandbox in one round trip (a call into it costs about 0.5 ms).

    Where a step raises or returns something else than float64 arrays shaped like theta, the steps are replayed
    here one call at a time, so that the sentence names that call and what it returned.
    """
    x, y, theta = least_squares(run.problem)
    step = getattr(student, rule.name)
    state = tuple(np.zeros_like(theta) for _ in rule.state)
    try:
        answer = student.run(probes.trajectory, step, x, y, theta, state, run.hyper, rule.counts_steps, STEPS,
                             label=f"{STEPS} steps of {rule.call(run)} on {run.problem.shown}")
    except RaisedError:
        return replay(rule, run, step)
    whole = all(quantity.shape == (STEPS, *theta.shape) and quantity.dtype == np.float64
                for quantity in answer["path"])
    return list(zip(*answer["path"])) if answer["steps"] == STEPS and whole else replay(rule, run, step)


def expect_path(student, rule: Rule, run: Run, quantity: str) -> None:
    """Expect the student's `quantity` (theta or a state array) to follow torch's at every checkpoint."""
    got_path, expected_path = student_path(student, rule, run), torch_path(rule, run)
    atols = _tolerances(expected_path)
    index = ("theta", *rule.state).index(quantity)
    for k in CHECKPOINTS:
        got, expected = got_path[k - 1][index], expected_path[k - 1][index]
        difference = _difference(got, expected, atols[index])
        if difference is None:
            continue
        source = (f"the theta {rule.optimizer} reaches" if index == 0
                  else f"{TORCH_STATE[quantity]} after the same steps")
        fed = " and ".join(", ".join(("theta", *rule.state)).rsplit(", ", 1))
        sentence = (f"After {k} step{'s' if k > 1 else ''} of {rule.call(run)} on {run.problem.shown}, feeding back "
                    f"the {fed} it returned, {quantity} is {describe(got)}; expected {describe(expected)}, "
                    f"{source}{difference}.")
        raise StudentFault(sentence, mistake=next(
            (mistake.message for mistake in VARIANTS[rule.name]
             if _follows(got_path, variant_path(rule, run, mistake.variant), atols, until=k)), None))


def _tolerances(expected_path) -> list[float]:
    """An absolute tolerance for theta and each state array: RTOL of the largest value it takes on the path."""
    return [RTOL * max(float(np.max(np.abs(expected_path[k - 1][index]))) for k in CHECKPOINTS)
            for index in range(len(expected_path[0]))]


def _follows(got_path, variant_path, atols, until: int) -> bool:
    """Whether a path is the variant's: theta and every state array alike at each checkpoint up to `until`.

    Matching all of them, not just the value that went wrong, keeps two variants that both end in NaN apart.
    """
    return all(_difference(got, wrong, atol) is None
               for k in CHECKPOINTS if k <= until
               for got, wrong, atol in zip(got_path[k - 1], variant_path[k - 1], atols))


def _difference(got: np.ndarray, expected: np.ndarray, atol: float) -> str | None:
    """None when `got` matches within RTOL; else a clause naming the first value that differs, to 12 digits."""
    close = np.isclose(got, expected, rtol=RTOL, atol=atol, equal_nan=True)
    if close.all():
        return None
    where = tuple(int(i) for i in np.argwhere(~close)[0])
    return (f" ({int((~close).sum())} of {close.size} values differ; first at index {where}: "
            f"{got[where]:.12g} instead of {expected[where]:.12g})")


# ---------------------------------------------------------------------------------------------- shared checks

def seeded_inputs(rule: Rule, seed: int = 5) -> tuple:
    """theta, a gradient around 1e-6 and a state as after a few such steps, so that lr, betas and eps all show."""
    rng = np.random.default_rng(seed)
    theta, grad = rng.normal(size=4), 1e-6 * rng.normal(size=4)
    second_moment = 1e-12 * rng.uniform(0.5, 2.0, size=4)
    state = {"velocity": 1e-7 * rng.normal(size=4), "g_sum": 3 * second_moment, "sq_avg": second_moment,
             "m": 1e-6 * rng.normal(size=4), "v": second_moment}
    return (theta, grad, *(state[name] for name in rule.state), *((3,) if rule.counts_steps else ()))


DEFAULTS = {  # the contract's defaults, in the signature's order
    "momentum_step": {"mu": 0.9},
    "adagrad_step": {"lr": 0.01, "eps": 1e-10},
    "rmsprop_step": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
    "adam_step": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


WRONG_DEFAULTS = {  # defaults taken from elsewhere: each Mistake's variant is what they override
    "adagrad_step": [Mistake("eps defaults to 1e-10 here, as in torch.optim.Adagrad, not 1e-8", {"eps": 1e-8})],
    "rmsprop_step": [Mistake("alpha defaults to 0.99, as in torch.optim.RMSprop, not 0.9 (Keras's rho)",
                             {"alpha": 0.9}),
                     Mistake("lr defaults to 0.01, as in torch.optim.RMSprop, not 0.001 (Keras's)", {"lr": 0.001})],
    "adam_step": [Mistake("eps defaults to 1e-8, as in torch.optim.Adam, not 1e-7 (Keras's)", {"eps": 1e-7}),
                  Mistake("lr defaults to 1e-3, as in torch.optim.Adam, not 0.01", {"lr": 0.01})],
}


def expect_defaults(student, name: str) -> None:
    """Leaving out the optional arguments must do what passing the contract's defaults does.

    The student's step is compared with itself, so a mistake in its formula costs the path tests, not this one.
    """
    arguments = seeded_inputs(RULES[name]) + ((0.1,) if name == "momentum_step" else ())  # lr has no default there
    step, defaults = getattr(student, name), DEFAULTS[name]
    got, expected = step(*arguments), step(*arguments, *defaults.values())
    difference = mismatch(got, expected, RTOL, 0.0)
    if difference is not None:
        given = ", ".join(f"{key}={value!r}" for key, value in defaults.items())
        raise StudentFault(f"{describe_call(name, arguments)} returned {describe(got)}; expected "
                           f"{describe(expected)}, what it returns given {given}{difference}.", mistake=next(
                               (message for message, wrong in WRONG_DEFAULTS.get(name, ())
                                if mismatch(got, step(*arguments, *{**defaults, **wrong}.values()), RTOL, 0.0) is None),
                               None))


IN_PLACE = ("{argument} was updated in place ({argument} -= ..., {argument} *= ... or {argument}[...] = ...); compute "
            "the new value as a new array, e.g. {argument} = {argument} - ..., and return it")


def expect_theta_paths(student, name: str, runs) -> None:
    for run in runs:
        expect_path(student, RULES[name], run, "theta")


# ---------------------------------------------------------------------------------------------- the tables

@pytest.mark.parametrize("name", [
    row("sgd_step", name="sgd_step: 100 steps match torch.optim.SGD on seeded least-squares problems", points=3),
    row("momentum_step", name="momentum_step: 100 steps match torch.optim.SGD with momentum on seeded problems",
        points=3),
    row("adagrad_step", name="adagrad_step: 100 steps match torch.optim.Adagrad on seeded least-squares problems",
        points=3),
    row("rmsprop_step", name="rmsprop_step: 100 steps match torch.optim.RMSprop on seeded least-squares problems",
        points=3),
    row("adam_step", name="adam_step: 100 steps match torch.optim.Adam on seeded least-squares problems", points=3),
])
def test_path(student, name):
    expect_theta_paths(student, name, RUNS[name])


@pytest.mark.parametrize("name", [
    row("adagrad_step", name="adagrad_step: matches Adagrad with gradients around 1e-6, where eps matters", points=2),
    row("rmsprop_step", name="rmsprop_step: matches RMSprop with gradients around 1e-6, where eps matters", points=2),
    row("adam_step", name="adam_step: matches Adam with gradients around 1e-6, where eps matters", points=2),
])
def test_small_gradients(student, name):
    expect_theta_paths(student, name, [SMALL_RUNS[name]])


@pytest.mark.parametrize("name", [
    row("momentum_step", name="momentum_step: returns the velocity v = mu*v + lr*grad (lr times torch's buffer)",
        points=2),
    row("adagrad_step", name="adagrad_step: returns g_sum, the running sum of squared gradients", points=2),
    row("rmsprop_step", name="rmsprop_step: returns sq_avg, the moving average of squared gradients", points=2),
    row("adam_step", name="adam_step: returns m and v, not bias-corrected (torch's exp_avg and exp_avg_sq)", points=2),
])
def test_state(student, name):
    rule = RULES[name]
    for run in RUNS[name] + ((SMALL_RUNS[name],) if name in SMALL_RUNS else ()):
        for quantity in rule.state:
            expect_path(student, rule, run, quantity)


@pytest.mark.parametrize("name", [
    row("momentum_step", name="momentum_step: mu defaults to 0.9", core=False),
    row("adagrad_step", name="adagrad_step: lr and eps default to 0.01 and 1e-10", core=False),
    row("rmsprop_step", name="rmsprop_step: lr, alpha and eps default to 0.01, 0.99 and 1e-8", core=False),
    row("adam_step", name="adam_step: lr, beta1, beta2 and eps default to 1e-3, 0.9, 0.999 and 1e-8", core=False),
])
def test_defaults(student, name):
    expect_defaults(student, name)


@pytest.mark.parametrize("name", [
    row("sgd_step", name="sgd_step: returns a new array and leaves theta and grad unchanged", points=2, core=False),
    row("momentum_step", name="momentum_step: leaves theta, grad and velocity unchanged", points=2, core=False),
    row("adagrad_step", name="adagrad_step: leaves theta, grad and g_sum unchanged", points=2, core=False),
    row("rmsprop_step", name="rmsprop_step: leaves theta, grad and sq_avg unchanged", points=2, core=False),
    row("adam_step", name="adam_step: leaves theta, grad, m and v unchanged", points=2, core=False),
])
def test_inputs_unchanged(student, name):
    rule = RULES[name]
    expect_unchanged(student, getattr(student, name), *seeded_inputs(rule), *RUNS[name][0].hyper,
                     names=rule.arguments, mistake=IN_PLACE)
