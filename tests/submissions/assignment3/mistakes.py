"""Named mistakes for assignment 3, each a wrong definition of one graded step function.

Instructor-only fixture data for the project's tests. Every `Mistake.source` is the
reference solution's definition of `Mistake.function` with exactly one error in it,
marked `# MISTAKE:`. `submissions.mutations.with_mistakes` splices chosen mistakes into
the reference source, so a test can grade "the reference plus this mistake" and check
which tests fail and what they say.
"""

from submissions.mutations import Mistake

MISTAKES = {
    "sgd_step_in_place": Mistake(function="sgd_step", source='''\
def sgd_step(theta, grad, lr):
    theta -= lr * grad  # MISTAKE: changes the caller's theta
    return theta
'''),
    "sgd_step_calls_torch_optim": Mistake(function="sgd_step", source='''\
def sgd_step(theta, grad, lr):
    import torch
    parameter = torch.tensor(theta, requires_grad=True)
    parameter.grad = torch.tensor(grad)
    torch.optim.SGD([parameter], lr=lr).step()  # MISTAKE: delegates to torch.optim
    return parameter.detach().numpy()
'''),
    "momentum_step_torch_form": Mistake(function="momentum_step", source='''\
def momentum_step(theta, grad, velocity, lr, mu=0.9):
    velocity = mu * velocity + grad  # MISTAKE: torch's velocity, without lr
    theta = theta - lr * velocity
    return theta, velocity
'''),
    "momentum_step_velocity_in_place": Mistake(function="momentum_step", source='''\
def momentum_step(theta, grad, velocity, lr, mu=0.9):
    velocity *= mu  # MISTAKE: changes the caller's velocity
    velocity += lr * grad
    theta = theta - velocity
    return theta, velocity
'''),
    "adagrad_step_eps_in_sqrt": Mistake(function="adagrad_step", source='''\
def adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10):
    g_sum = g_sum + grad ** 2
    theta = theta - lr * grad / np.sqrt(g_sum + eps)  # MISTAKE: eps inside the square root
    return theta, g_sum
'''),
    "adagrad_step_not_squared": Mistake(function="adagrad_step", source='''\
def adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10):
    g_sum = g_sum + grad  # MISTAKE: the gradient is not squared
    theta = theta - lr * grad / (np.sqrt(g_sum) + eps)
    return theta, g_sum
'''),
    "rmsprop_step_accumulates_like_adagrad": Mistake(function="rmsprop_step", source='''\
def rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    sq_avg = sq_avg + grad ** 2  # MISTAKE: a running sum, not a moving average
    theta = theta - lr * grad / (np.sqrt(sq_avg) + eps)
    return theta, sq_avg
'''),
    "rmsprop_step_keras_alpha": Mistake(function="rmsprop_step", source='''\
def rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.9, eps=1e-8):  # MISTAKE: Keras's default rho
    sq_avg = alpha * sq_avg + (1 - alpha) * grad ** 2
    theta = theta - lr * grad / (np.sqrt(sq_avg) + eps)
    return theta, sq_avg
'''),
    "adam_step_fixed_eps": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + 1e-7)  # MISTAKE: eps written out instead of the argument
    return theta, m, v
'''),
    "sgd_step_rounded": Mistake(function="sgd_step", source='''\
def sgd_step(theta, grad, lr):
    return np.round(theta - lr * grad, 4)  # MISTAKE: rounded to 4 decimals, as printed
'''),
    "adam_step_no_bias_correction": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    theta = theta - lr * m / (np.sqrt(v) + eps)  # MISTAKE: m and v are not bias-corrected
    return theta, m, v
'''),
    "adam_step_t_off_by_one": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** (t + 1))  # MISTAKE: the seed's 0-based (i + 1), but t is already 1-based
    v_hat = v / (1 - beta2 ** (t + 1))
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v
'''),
    "adam_step_eps_in_sqrt": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / np.sqrt(v_hat + eps)  # MISTAKE: eps inside the square root
    return theta, m, v
'''),
    "adam_step_not_squared": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad  # MISTAKE: the second moment of grad, not of grad**2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v
'''),
    "adam_step_theta_in_place": Mistake(function="adam_step", source='''\
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta -= lr * m_hat / (np.sqrt(v_hat) + eps)  # MISTAKE: changes the caller's theta
    return theta, m, v
'''),
}
