"""assignment3 graded end to end: each named mistake, other correct routes, banned calls, the stub's examples.

What every assignment must satisfy (reference at full marks, stub at zero...) is in test_course.py.
"""
import contextlib
import io
import re
import runpy

import pytest

from autograder.report import PASSED
from conftest import PROJECT
from submissions.assignment3.mistakes import MISTAKES
from submissions.mutations import Mistake, with_mistakes

REFERENCE = PROJECT / "reference" / "assignment3" / "optimizers.py"
REFERENCE_SOURCE = REFERENCE.read_text()
STUB = PROJECT / "assignments" / "assignment3" / "optimizers.py"
FUNCTIONS = ("sgd_step", "momentum_step", "adagrad_step", "rmsprop_step", "adam_step")

# What each named mistake's failure sentence must say (a fragment of the known-mistake message).
DIAGNOSES = {
    "sgd_step_in_place": "theta was updated in place",
    "sgd_step_calls_torch_optim": "torch.optim.SGD",
    "momentum_step_torch_form": "the velocity is kept in torch's form",
    "momentum_step_velocity_in_place": "velocity was updated in place",
    "adagrad_step_eps_in_sqrt": "eps is added inside the square root, sqrt(g_sum + eps)",
    "adagrad_step_not_squared": "the gradient is not squared in g_sum",
    "rmsprop_step_accumulates_like_adagrad": "sq_avg accumulates like Adagrad's running sum",
    "rmsprop_step_keras_alpha": "alpha defaults to 0.99",
    "adam_step_no_bias_correction": "without bias correction",
    "adam_step_fixed_eps": "eps is the constant 1e-07 instead of the eps argument",
    "sgd_step_rounded": "rounded to 4 decimals",
    "adam_step_t_off_by_one": "t is already the 1-based step number",
    "adam_step_eps_in_sqrt": "eps is added inside the square root, sqrt(v_hat + eps)",
    "adam_step_not_squared": "the gradient is not squared in v",
    "adam_step_theta_in_place": "theta was updated in place",
}

# Other correct ways to write the steps; each must get full marks.
ROUTES = {
    "torch tensors inside, torch's own order of operations": [
        Mistake("sgd_step", '''\
def sgd_step(theta, grad, lr):
    import torch
    return torch.from_numpy(theta).add(torch.from_numpy(grad), alpha=-lr).numpy()
'''),
        Mistake("momentum_step", '''\
def momentum_step(theta, grad, velocity, lr, mu=0.9):
    import torch
    buffer = torch.from_numpy(velocity) / lr * mu + torch.from_numpy(grad)  # torch's buffer, then scaled back
    return (torch.from_numpy(theta) - lr * buffer).numpy(), (lr * buffer).numpy()
'''),
        Mistake("adagrad_step", '''\
def adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10):
    import torch
    grad = torch.from_numpy(grad)
    g_sum = torch.from_numpy(g_sum).addcmul(grad, grad, value=1)
    return torch.from_numpy(theta).addcdiv(grad, g_sum.sqrt().add(eps), value=-lr).numpy(), g_sum.numpy()
'''),
        Mistake("rmsprop_step", '''\
def rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    import torch
    grad = torch.from_numpy(grad)
    sq_avg = torch.from_numpy(sq_avg).mul(alpha).addcmul(grad, grad, value=1 - alpha)
    return torch.from_numpy(theta).addcdiv(grad, sq_avg.sqrt().add(eps), value=-lr).numpy(), sq_avg.numpy()
'''),
        Mistake("adam_step", '''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import math
    import torch
    grad = torch.from_numpy(grad)
    m = torch.from_numpy(m).lerp(grad, 1 - beta1)
    v = torch.from_numpy(v).mul(beta2).addcmul(grad, grad, value=1 - beta2)
    denominator = v.sqrt() / math.sqrt(1 - beta2 ** t) + eps
    theta = torch.from_numpy(theta).addcdiv(m, denominator, value=-lr / (1 - beta1 ** t))
    return theta.numpy(), m.numpy(), v.numpy()
'''),
    ],
    "element by element in Python loops, on copies updated in place": [
        Mistake("sgd_step", '''\
def sgd_step(theta, grad, lr):
    theta = theta.copy()
    for i in np.ndindex(theta.shape):
        theta[i] -= lr * grad[i]
    return theta
'''),
        Mistake("momentum_step", '''\
def momentum_step(theta, grad, velocity, lr, mu=0.9):
    theta, velocity = theta.copy(), velocity.copy()
    for i in np.ndindex(theta.shape):
        velocity[i] = mu * velocity[i] + lr * grad[i]
        theta[i] -= velocity[i]
    return theta, velocity
'''),
        Mistake("adagrad_step", '''\
def adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10):
    import math
    theta, g_sum = theta.copy(), g_sum.copy()
    for i in np.ndindex(theta.shape):
        g_sum[i] += grad[i] * grad[i]
        theta[i] -= lr * grad[i] / (math.sqrt(g_sum[i]) + eps)
    return theta, g_sum
'''),
        Mistake("rmsprop_step", '''\
def rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    import math
    theta, sq_avg = theta.copy(), sq_avg.copy()
    for i in np.ndindex(theta.shape):
        sq_avg[i] = alpha * sq_avg[i] + (1 - alpha) * grad[i] ** 2
        theta[i] -= lr * grad[i] / (math.sqrt(sq_avg[i]) + eps)
    return theta, sq_avg
'''),
        Mistake("adam_step", '''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import math
    theta, m, v = theta.copy(), m.copy(), v.copy()
    for i in np.ndindex(theta.shape):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i]
        theta[i] -= lr * (m[i] / (1 - beta1 ** t)) / (math.sqrt(v[i] / (1 - beta2 ** t)) + eps)
    return theta, m, v
'''),
    ],
}

# torch.optim.Adam reached without naming it in the source: only the run-time trace can catch it.
ADAM_THROUGH_GETATTR = Mistake("adam_step", '''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import torch
    optimizer_class = getattr(torch.optim, "Ad" + "am")
    parameter = torch.tensor(theta, requires_grad=True)
    optimizer = optimizer_class([parameter], lr=lr, betas=(beta1, beta2), eps=eps)
    optimizer.state[parameter] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m),
                                  "exp_avg_sq": torch.tensor(v)}
    parameter.grad = torch.tensor(grad)
    optimizer.step()
    state = optimizer.state[parameter]
    return parameter.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()
''')


@pytest.fixture
def grade3(grade_as):
    return lambda submission: grade_as("assignment3", submission)


def functions_losing_points(report) -> set[str]:
    return {r.function for r in report.results if r.status != PASSED}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_costs_only_its_function_and_is_named(grade3, name):
    mistake = MISTAKES[name]
    report = grade3(with_mistakes(REFERENCE_SOURCE, [mistake]))
    assert functions_losing_points(report) == {mistake.function}
    feedback = " ".join(r.feedback for r in report.results if r.status != PASSED)
    assert DIAGNOSES[name] in feedback, feedback


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_other_correct_routes_score_full_marks(grade3, route):
    report = grade3(with_mistakes(REFERENCE_SOURCE, ROUTES[route]))
    assert [r.feedback for r in report.results if r.status != PASSED] == []


def test_a_delegation_behind_getattr_is_named_once_and_costs_every_test_of_its_function(grade3):
    report = grade3(with_mistakes(REFERENCE_SOURCE, [ADAM_THROUGH_GETATTR]))
    assert functions_losing_points(report) == {"adam_step"}
    first, *others = [r for r in report.results if r.function == "adam_step"]
    assert first.status != PASSED and "adam_step uses torch.optim.Adam (optimizers.py, line " in first.feedback
    assert {r.feedback for r in others} == {f"Not run: adam_step breaks a rule of this assignment, as test "
                                            f"{first.number} says."}


def test_stub_examples_print_their_expected_output(tmp_path):
    namespace = runpy.run_path(str(STUB))
    solution = runpy.run_path(str(REFERENCE))
    namespace.update({name: solution[name] for name in FUNCTIONS})
    cells = re.split(r"^# %%.*$", STUB.read_text(), flags=re.MULTILINE)
    examples = [(cell, cells[i + 1]) for i, cell in enumerate(cells) if cell.lstrip().startswith("## uncomment")]
    assert len(examples) == len(FUNCTIONS)
    for number, (example, explained) in enumerate(examples):
        script = tmp_path / f"example_{number}.py"
        script.write_text("\n".join(line.removeprefix("# ") for line in example.splitlines()
                                    if not line.startswith("##")))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            runpy.run_path(str(script), init_globals=namespace)
        expected = re.search(r"# ```\n(.*?)# ```", explained, flags=re.DOTALL).group(1)
        assert printed.getvalue() == "".join(line[2:] + "\n" for line in expected.splitlines())
