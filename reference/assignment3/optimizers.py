"""Assignment 3: optimizers (SGD, momentum, Adagrad, RMSprop and Adam).

Adapted from the lecture "Advanced Techniques in Deep Learning" (the optimizer formulas)
and the numpy implementations of "Optimization Algorithms" (gradient_descent, adam, adagrad).
Complete sgd_step, momentum_step, adagrad_step, rmsprop_step and adam_step. The grader
imports this module and calls them, so keep their names and signatures.
"""

# %% [markdown]
# # Assignment 3: Advanced optimizers
#
# **Objectives**
#
# 1. Gradient descent and SGD with momentum
# 2. Adaptive learning rates: Adagrad and RMSprop
# 3. Adam = momentum + RMSprop, with bias correction
#
# Each optimizer is written as a single *step*: a function that takes the parameters
# `theta`, the gradient `grad` of the loss at `theta` and the optimizer's state, and
# returns the new parameters and the new state. A training loop calls it once per
# mini-batch and feeds what it returns back in at the next step.
#
# **How this assignment is graded.** The grader imports this file as a Python
# module and calls `sgd_step`, `momentum_step`, `adagrad_step`, `rmsprop_step` and
# `adam_step`. It runs each of them for 100 steps on its own least-squares problems,
# feeding back what your function returns, and compares the parameters and the state
# along the way with PyTorch's `torch.optim.SGD`, `Adagrad`, `RMSprop` and `Adam` (in
# float64, to about 1e-10). Only those five are graded: do not rename them or change
# their signatures. The example cells below are commented out (`## uncomment to
# test`) so that importing the module runs nothing; uncomment them while you work and
# compare with the expected output printed under each of them.
#
# **Rules that hold for every step function**
#
# * Arguments and results are numpy arrays of float64, all shaped like `theta`.
# * Never modify an argument: return new arrays. The tutorial's loops write
#   `theta -= alpha * gradient`, which changes the caller's array in place; write
#   `theta = theta - ...` instead.
# * Implement the formulas yourself: nothing from `torch.optim`.

# %%
import numpy as np

# %% [markdown]
# ## Section 0: The problem we optimize
#
# The tutorial's implementations all minimize a least-squares loss over a dataset
# `x` (one sample per row) with targets `y`. Its gradient at `theta` is computed in
# each loop as below; `least_squares_gradient` is given (it is not graded).

# %%
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


# %% [markdown]
# The examples below use this small problem: 50 samples, 3 parameters, and the
# parameters that generated the data are `[2, -1, 0.5]`.

# %%
rng = np.random.default_rng(2023)
x_train = rng.normal(size=(50, 3))
y_train = x_train @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.normal(size=50)
theta_start = np.zeros(3)

# %% [markdown]
# ## Section 1: (Stochastic) gradient descent
#
# With $\theta_t$ the parameters after $t$ updates and $\gamma$ the learning rate,
#
# \begin{equation}
# \theta_{t+1} = \theta_t - \gamma \frac{\partial L_B(\theta_t)}{\partial \theta_t}
# \end{equation}
#
# Computed on the whole dataset this is gradient descent; on one mini-batch $B$ at a
# time it is stochastic gradient descent. The step is the same.
#
# ### Coding Exercise 1: One gradient descent step

# %%
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
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    return theta - lr * grad
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the sgd_step function")
    # ####################################################################
    # return ...
    # END PROMPT


# %%
## uncomment to test
# print(sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1))
# theta = theta_start
# for i in range(100):
#     theta = sgd_step(theta, least_squares_gradient(x_train, y_train, theta), lr=0.1)
# print(f"theta after 100 steps: {theta}")

# %% [markdown]
# Expected output:
#
# ```
# [0.95 2.1 ]
# theta after 100 steps: [ 1.995244   -1.02206432  0.50602472]
# ```

# %% [markdown]
# ## Section 2: SGD with momentum
#
# Momentum adds a velocity $v$ to SGD: the step remembers the direction it moved in
# before, like a ball rolling downhill, which carries it through flat regions and
# damps zig-zags.
#
# \begin{equation}
# v_{t+1} = \mu v_t + \gamma \frac{\partial L_B(\theta_t)}{\partial \theta_t}, \quad v_0 = 0
# \end{equation}
#
# \begin{equation}
# \theta_{t+1} = \theta_t - v_{t+1}
# \end{equation}
#
# Note where the learning rate goes: in this form (the lecture's) it is *inside* the
# velocity. PyTorch's `torch.optim.SGD(momentum=mu)` keeps `v = mu*v + grad` and steps
# `theta - lr*v`; for a constant learning rate both give the same `theta`, but the
# velocity you return must be the lecture's, `lr` times PyTorch's.
#
# ### Coding Exercise 2: One momentum step

# %%
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
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    velocity = mu * velocity + lr * grad
    theta = theta - velocity
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the momentum_step function")
    # ####################################################################
    # velocity = ...
    # theta = ...
    # END PROMPT
    return theta, velocity


# %%
## uncomment to test
# theta, velocity = momentum_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), lr=0.1)
# print(theta, velocity)
# theta, velocity = momentum_step(theta, np.array([0.5, -1.0]), velocity, lr=0.1)
# print(theta, velocity)
# theta, velocity = theta_start, np.zeros(3)
# for i in range(100):
#     theta, velocity = momentum_step(theta, least_squares_gradient(x_train, y_train, theta), velocity, lr=0.1)
# print(f"theta after 100 steps: {theta}")

# %% [markdown]
# Expected output:
#
# ```
# [0.95 2.1 ] [ 0.05 -0.1 ]
# [0.855 2.29 ] [ 0.095 -0.19 ]
# theta after 100 steps: [ 2.00455372 -1.0243065   0.50878005]
# ```

# %% [markdown]
# ## Section 3: Adagrad
#
# Should all parameters share the same learning rate? Adagrad gives each parameter
# its own: it keeps the running sum $g$ of the squared gradients (element-wise) and
# divides each step by its square root, so parameters with large gradients take
# smaller steps and those with small gradients larger ones.
#
# \begin{equation}
# g_{t+1} = g_t + \frac{\partial L_B(\theta_t)}{\partial \theta_t} \cdot \frac{\partial L_B(\theta_t)}{\partial \theta_t}, \quad g_0 = 0
# \end{equation}
#
# \begin{equation}
# \theta_{t+1} = \theta_t - \frac{\gamma}{\sqrt{g_{t+1}} + \epsilon} \cdot \frac{\partial L_B(\theta_t)}{\partial \theta_t}
# \end{equation}
#
# The small $\epsilon$ keeps the division finite. It is added *after* the square
# root, $\sqrt{g} + \epsilon$, as in the tutorial's code and in PyTorch; with
# gradients around `1e-6`, $\sqrt{g + \epsilon}$ would be a very different step.
#
# ### Coding Exercise 3: One Adagrad step

# %%
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
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    g_sum = g_sum + grad ** 2
    theta = theta - lr * grad / (np.sqrt(g_sum) + eps)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the adagrad_step function")
    # ####################################################################
    # g_sum = ...
    # theta = ...
    # END PROMPT
    return theta, g_sum


# %%
## uncomment to test
# theta, g_sum = adagrad_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), lr=0.1)
# print(theta, g_sum)
# theta, g_sum = theta_start, np.zeros(3)
# for i in range(100):
#     theta, g_sum = adagrad_step(theta, least_squares_gradient(x_train, y_train, theta), g_sum, lr=0.1)
# print(f"theta after 100 steps: {theta}")

# %% [markdown]
# Expected output (the first step moves every parameter by `lr`, whatever the size of
# its gradient):
#
# ```
# [0.9 2.1] [0.25 1.  ]
# theta after 100 steps: [ 1.45222978 -0.96631195  0.49132845]
# ```

# %% [markdown]
# ## Section 4: RMSprop
#
# Adagrad's running sum only grows, so its steps shrink quickly and learning can stall.
# RMSprop replaces the sum with an exponential moving average, with decay rate
# $\alpha$ (default 0.99):
#
# \begin{equation}
# g_{t+1} = \alpha g_t + (1 - \alpha) \frac{\partial L_B(\theta_t)}{\partial \theta_t} \cdot \frac{\partial L_B(\theta_t)}{\partial \theta_t}, \quad g_0 = 0
# \end{equation}
#
# \begin{equation}
# \theta_{t+1} = \theta_t - \frac{\gamma}{\sqrt{g_{t+1}} + \epsilon} \cdot \frac{\partial L_B(\theta_t)}{\partial \theta_t}
# \end{equation}
#
# ### Coding Exercise 4: One RMSprop step

# %%
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
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    sq_avg = alpha * sq_avg + (1 - alpha) * grad ** 2
    theta = theta - lr * grad / (np.sqrt(sq_avg) + eps)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the rmsprop_step function")
    # ####################################################################
    # sq_avg = ...
    # theta = ...
    # END PROMPT
    return theta, sq_avg


# %%
## uncomment to test
# theta, sq_avg = rmsprop_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2))
# print(theta, sq_avg)
# theta, sq_avg = theta_start, np.zeros(3)
# for i in range(100):
#     theta, sq_avg = rmsprop_step(theta, least_squares_gradient(x_train, y_train, theta), sq_avg)
# print(f"theta after 100 steps: {theta}")

# %% [markdown]
# Expected output (the first step is `lr / sqrt(1 - alpha)`, ten times `lr`, for
# every parameter; eps shows in the last digits):
#
# ```
# [0.90000002 2.09999999] [0.0025 0.01  ]
# theta after 100 steps: [ 1.55324795 -0.98454984  0.49473559]
# ```

# %% [markdown]
# ## Section 5: Adam
#
# Adam combines the two ideas: a moving average $m$ of the gradients (like momentum)
# and a moving average $v$ of their squares (like RMSprop).
#
# \begin{equation}
# m_{t+1} = \beta_1 m_t + (1 - \beta_1) \frac{\partial L_B(\theta_t)}{\partial \theta_t}, \quad m_0 = 0
# \end{equation}
#
# \begin{equation}
# v_{t+1} = \beta_2 v_t + (1 - \beta_2) \frac{\partial L_B(\theta_t)}{\partial \theta_t} \cdot \frac{\partial L_B(\theta_t)}{\partial \theta_t}, \quad v_0 = 0
# \end{equation}
#
# Both start at 0 and $\beta_1, \beta_2$ are close to 1, so in the first steps they
# are biased towards 0. The bias correction divides them by $1 - \beta^{t}$, with $t$
# the number of the step, starting at 1:
#
# \begin{equation}
# \hat{m} = \frac{m_{t+1}}{1 - \beta_1^{t}}, \quad \hat{v} = \frac{v_{t+1}}{1 - \beta_2^{t}}, \quad
# \theta_{t+1} = \theta_t - \gamma \frac{\hat{m}}{\sqrt{\hat{v}} + \epsilon}
# \end{equation}
#
# `adam_step` receives `t` itself: the first call gets `t=1`, the second `t=2`, and so
# on. (The tutorial's loop counts `i` from 0 and so writes `beta1 ** (i + 1)`; here
# `t` is already `i + 1`.) Return `m` and `v` themselves, not the corrected
# $\hat{m}$ and $\hat{v}$: they are what the next step continues from.
#
# ### Coding Exercise 5: One Adam step

# %%
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
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the adam_step function")
    # ####################################################################
    # m = ...
    # v = ...
    # theta = ...  # with the bias-corrected m_hat and v_hat
    # END PROMPT
    return theta, m, v


# %%
## uncomment to test
# theta, m, v = adam_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), np.zeros(2), t=1)
# print(theta, m, v)
# theta, m, v = theta_start, np.zeros(3), np.zeros(3)
# for t in range(1, 101):
#     theta, m, v = adam_step(theta, least_squares_gradient(x_train, y_train, theta), m, v, t, lr=0.1)
# print(f"theta after 100 steps: {theta}")

# %% [markdown]
# Expected output (thanks to the bias correction, the first step moves every
# parameter by `lr`, `0.001` here):
#
# ```
# [0.999 2.001] [ 0.05 -0.1 ] [0.00025 0.001  ]
# theta after 100 steps: [ 2.00312704 -1.0189654   0.50475596]
# ```
