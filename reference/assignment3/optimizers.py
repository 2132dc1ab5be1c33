"""Assignment 3: optimizers (SGD, momentum, Adagrad, RMSprop, Adam) -- reference solution.

Adapted from the lecture "Advanced Techniques in Deep Learning" (optimizer formulas) and
the numpy implementations of "Optimization Algorithms" (gradient_descent, adam, adagrad).
Graded names: sgd_step, momentum_step, adagrad_step, rmsprop_step, adam_step.
"""

import numpy as np


def least_squares_gradient(x, y, theta):
    """
    Gradient of the least-squares loss mean((x @ theta - y)**2) / 2 at theta

    Args:
      x: np.ndarray
        Inputs, shape (m, n)
      y: np.ndarray
        Targets, shape (m,)
      theta: np.ndarray
        Parameters, shape (n,)

    Returns:
      gradient: np.ndarray
        x.T @ (x @ theta - y) / m, shape (n,)
    """
    m = len(y)
    h = np.dot(x, theta)
    loss = h - y
    gradient = np.dot(x.T, loss) / m
    return gradient


def sgd_step(theta, grad, lr):
    """
    One step of (stochastic) gradient descent

    Args:
      theta: np.ndarray
        Parameters
      grad: np.ndarray
        Gradient of the loss at theta
      lr: float
        Learning rate

    Returns:
      theta: np.ndarray
        The updated parameters theta - lr * grad, a new array (theta is not modified)
    """
    return theta - lr * grad


def momentum_step(theta, grad, velocity, lr, mu=0.9):
    """
    One step of SGD with momentum

    Args:
      theta: np.ndarray
        Parameters
      grad: np.ndarray
        Gradient of the loss at theta
      velocity: np.ndarray
        Momentum vector v_t (zeros before the first step)
      lr: float
        Learning rate
      mu: float
        Momentum coefficient [default: 0.9]

    Returns:
      (theta, velocity): tuple of np.ndarray
        velocity = mu * velocity + lr * grad, theta = theta - velocity (new arrays)
    """
    velocity = mu * velocity + lr * grad
    theta = theta - velocity
    return theta, velocity


def adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10):
    """
    One step of Adagrad

    Args:
      theta: np.ndarray
        Parameters
      grad: np.ndarray
        Gradient of the loss at theta
      g_sum: np.ndarray
        Running sum of the squared gradients (zeros before the first step)
      lr: float
        Learning rate [default: 0.01]
      eps: float
        Added to the square root, to avoid dividing by zero [default: 1e-10]

    Returns:
      (theta, g_sum): tuple of np.ndarray
        g_sum = g_sum + grad**2, theta = theta - lr * grad / (sqrt(g_sum) + eps) (new arrays)
    """
    g_sum = g_sum + grad ** 2
    theta = theta - lr * grad / (np.sqrt(g_sum) + eps)
    return theta, g_sum


def rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8):
    """
    One step of RMSprop

    Args:
      theta: np.ndarray
        Parameters
      grad: np.ndarray
        Gradient of the loss at theta
      sq_avg: np.ndarray
        Exponential moving average of the squared gradients (zeros before the first step)
      lr: float
        Learning rate [default: 0.01]
      alpha: float
        Decay rate of the moving average [default: 0.99]
      eps: float
        Added to the square root, to avoid dividing by zero [default: 1e-8]

    Returns:
      (theta, sq_avg): tuple of np.ndarray
        sq_avg = alpha * sq_avg + (1 - alpha) * grad**2,
        theta = theta - lr * grad / (sqrt(sq_avg) + eps) (new arrays)
    """
    sq_avg = alpha * sq_avg + (1 - alpha) * grad ** 2
    theta = theta - lr * grad / (np.sqrt(sq_avg) + eps)
    return theta, sq_avg


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """
    One step of Adam

    Args:
      theta: np.ndarray
        Parameters
      grad: np.ndarray
        Gradient of the loss at theta
      m: np.ndarray
        First moment: moving average of the gradients (zeros before the first step)
      v: np.ndarray
        Second moment: moving average of the squared gradients (zeros before the first step)
      t: int
        Number of this step, starting at 1
      lr: float
        Learning rate [default: 1e-3]
      beta1: float
        Decay rate of the first moment [default: 0.9]
      beta2: float
        Decay rate of the second moment [default: 0.999]
      eps: float
        Added to the square root, to avoid dividing by zero [default: 1e-8]

    Returns:
      (theta, m, v): tuple of np.ndarray
        m = beta1 * m + (1 - beta1) * grad, v = beta2 * v + (1 - beta2) * grad**2,
        theta = theta - lr * m_hat / (sqrt(v_hat) + eps) with the bias-corrected
        m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t) (new arrays)
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v
