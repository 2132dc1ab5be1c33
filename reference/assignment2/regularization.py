"""Assignment 2: regularization (L1, L2 and dropout).

Adapted from Neuromatch Academy W2D1 Tutorial 2, "Regularization techniques part 2".
Complete l1_reg, l2_reg, dropout, Dropout and regularized_loss. The grader imports
this module and calls them, so keep their names and signatures.
"""

# %% [markdown]
# # Assignment 2: Regularization techniques
#
# **Tutorial Objectives**
#
# 1. Regularization as shrinkage of overparameterized models: L1 and L2
# 2. Regularization by Dropout
#
# **How this assignment is graded.** The grader imports this file as a Python
# module and calls `l1_reg`, `l2_reg`, `dropout`, `Dropout` and `regularized_loss`
# on its own models and tensors. Only those five are graded: do not rename them or
# change their signatures. The example cells below are commented out (`## uncomment
# to test`) so that importing the module runs nothing; uncomment them while you
# work and compare with the expected output printed under each of them.

# %%
import random

import numpy as np
import torch
import torch.nn as nn

# %% [markdown]
# ## Set random seed
#
# Executing `set_seed(seed=seed)` you are setting the seed

# %%
# For DL its critical to set the random seed so that students can have a
# baseline to compare their results to expected results.
# Read more here: https://pytorch.org/docs/stable/notes/randomness.html

# Call `set_seed` function in the exercises to ensure reproducibility.


def set_seed(seed=None, seed_torch=True):
    """
    Function that controls randomness. NumPy and random modules must be imported.

    Args:
      seed : Integer
        A non-negative integer that defines the random state. Default is `None`.
      seed_torch : Boolean
        If `True` sets the random seed for pytorch tensors, so pytorch module
        must be imported. Default is `True`.

    Returns:
      Nothing.
    """
    if seed is None:
        seed = np.random.choice(2 ** 32)
    random.seed(seed)
    np.random.seed(seed)
    if seed_torch:
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.cuda.manual_seed(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True

    print(f'Random seed {seed} has been set.')


SEED = 2021

# %% [markdown]
# ## Section 1.1: L1 Regularization
#
# L1 Regularization (or LASSO$^{\ddagger}$) uses a penalty which is the sum of the
# absolute value of all the weights in the Deep Learning architecture, resulting in
# the following loss function ($L$ is the usual Cross-Entropy loss):
#
# \begin{equation}
# L_R = L + \lambda \sum \left| w^{(r)}_{ij} \right|
# \end{equation}
#
# where $r$ denotes the layer, and $ij$ the specific weight in that layer.
#
# At a high level, L1 Regularization is similar to L2 Regularization since it leads
# to smaller weights (you will see the analogy in the next subsection). It results
# in the following weight update equation when using Stochastic Gradient Descent:
#
# \begin{equation}
# w^{(r)}_{ij} \leftarrow w^{(r)}_{ij} - \eta \cdot \lambda \cdot \text{sgn}\left(w^{(r)}_{ij}\right) - \eta \frac{\partial L}{\partial w_{ij}^{(r)}}
# \end{equation}
#
# where $\text{sgn}(\cdot)$ is the sign function, such that
#
# \begin{equation}
# \text{sgn}(w) = \left\{ \begin{array}{ll} +1 & \mbox{if } w > 0 \\ -1 & \mbox{if } w < 0 \\ 0 & \mbox{if } w = 0 \end{array} \right.
# \end{equation}
#
# $^{\ddagger}$LASSO: Least Absolute Shrinkage and Selection Operator
#
# ### Coding Exercise 1.1: L1 Regularization
#
# Write a function that calculates the L1 norm of all the tensors of a PyTorch model.
#
# "All the tensors" means every parameter the model has: the weights *and* the
# biases of every layer, whatever its type, as `model.parameters()` lists them.
# Return a 0-dim tensor rather than a Python float (no `.item()`, no `float(...)`):
# the penalty is added to the loss, and `loss.backward()` must reach the weights
# through it.

# %%
def l1_reg(model):
    """
    This function calculates the l1 norm of the all the tensors in the model

    Args:
      model: nn.module
        Neural network instance

    Returns:
      l1: torch.Tensor
        L1 norm of the all the tensors in the model: the sum of |w| over every
        parameter (weights and biases of every layer), as a 0-dim tensor that
        stays in the autograd graph. A model without parameters gives tensor(0.).
    """
    l1 = torch.zeros(())
    # BEGIN SOLUTION
    for param in model.parameters():
        l1 = l1 + param.abs().sum()
    # END SOLUTION
    # BEGIN PROMPT
    # ####################################################################
    # # Fill in all missing code below (...),
    # # then remove or comment the line below to test your function
    # raise NotImplementedError("Complete the l1_reg function")
    # ####################################################################
    # for param in model.parameters():
    #     l1 = l1 + ...
    # END PROMPT

    return l1


# %%
## uncomment to test
# set_seed(seed=SEED)
# net = nn.Linear(20, 20)
# print(f"L1 norm of the model: {l1_reg(net)}")

# %% [markdown]
# Expected output:
#
# ```
# Random seed 2021 has been set.
# L1 norm of the model: 48.445133209228516
# ```

# %% [markdown]
# ## Section 1.2: L2 / Ridge Regularization
#
# L2 Regularization (or Ridge), also referred to as "Weight Decay", is widely used.
# It works by adding a quadratic penalty term to the Cross-Entropy Loss Function
# $L$, which results in a new Loss Function $L_R$ given by:
#
# \begin{equation}
# L_R = L + \lambda \sum \left( w^{(r)}_{ij} \right)^2
# \end{equation}
#
# where, again, $r$ superscript denotes the layer, and $ij$ the specific weight in
# that layer.
#
# To get further insight into L2 Regularization, we investigate its effect on the
# Gradient Descent based update equations for the weight and bias parameters.
# Taking the derivative on both sides of the above equation, we obtain
#
# \begin{equation}
# \frac{\partial L_R}{\partial w^{(r)}_{ij}}=\frac{\partial L}{\partial w^{(r)}_{ij}} + 2\lambda w^{(r)}_{ij}
# \end{equation}
#
# Thus the weight update rule becomes:
#
# \begin{equation}
# w^{(r)}_{ij} \leftarrow w^{(r)}_{ij} - \eta\frac{\partial L}{\partial w^{(r)}_{ij}} - 2 \eta \lambda w^{(r)}_{ij} = (1 - 2 \eta \lambda)w^{(r)}_{ij} - \eta \frac{\partial L}{\partial w^{(r)}_{ij}}
# \end{equation}
#
# where $\eta$ is the learning rate.
#
# ### Coding Exercise 1.2: L2 Regularization
#
# Write a function that calculates the L2 norm of all the tensors of a PyTorch
# model. (What did we call this before?)
#
# As in the penalty above, the "L2 norm" here is the sum of the *squares* of all
# the parameters (weights and biases): the squared Frobenius norm. Do not take the
# square root, and return a 0-dim tensor, as in Exercise 1.1.

# %%
def l2_reg(model):
    """
    This function calculates the l2 norm of the all the tensors in the model

    Args:
      model: nn.module
        Neural network instance

    Returns:
      l2: torch.Tensor
        L2 norm of the all the tensors in the model: the sum of w**2 over every
        parameter (the squared Frobenius norm, no square root), as a 0-dim
        tensor that stays in the autograd graph
    """
    l2 = torch.zeros(())
    # BEGIN SOLUTION
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()
    # END SOLUTION
    # BEGIN PROMPT
    # ####################################################################
    # # Fill in all missing code below (...),
    # # then remove or comment the line below to test your function
    # raise NotImplementedError("Complete the l2_reg function")
    # ####################################################################
    # for param in model.parameters():
    #     l2 = l2 + ...
    # END PROMPT

    return l2


# %%
## uncomment to test
# set_seed(SEED)
# net = nn.Linear(20, 20)
# print(f"L2 norm of the model: {l2_reg(net)}")

# %% [markdown]
# Expected output:
#
# ```
# Random seed 2021 has been set.
# L2 norm of the model: 7.328375816345215
# ```
#
# Summing the squares in another order (for example `torch.norm(param)**2`) can
# change the last digits, e.g. `7.328374862670898`; the grader compares with a
# tolerance.

# %% [markdown]
# ## Section 1.3: The regularized loss
#
# During training, the penalties are added to the loss of every mini-batch before
# `loss.backward()`; this is what the tutorial's `train()` does with its
# `reg_function1` and `reg_function2` arguments:
#
# \begin{equation}
# L_R = L + \lambda_1 \sum \left| w^{(r)}_{ij} \right| + \lambda_2 \sum \left( w^{(r)}_{ij} \right)^2
# \end{equation}
#
# ### Coding Exercise 1.3: Regularized loss
#
# Write a function that returns `criterion(output, target) + lambda1 * l1_reg(model)
# + lambda2 * l2_reg(model)`, using your two functions above. The result must be a
# tensor you can call `.backward()` on.

# %%
def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    """
    This function computes the regularized loss minimized by train()

    Args:
      output: torch.Tensor
        Output/Predictions of the model
      target: torch.Tensor
        Targets
      model: nn.module
        Neural network instance whose parameters are regularized
      criterion: function
        Specifies loss function, e.g. F.nll_loss or nn.MSELoss()
      lambda1: float
        Weight of the L1 penalty [default: 0.0]
      lambda2: float
        Weight of the L2 penalty [default: 0.0]

    Returns:
      loss: torch.Tensor
        criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model),
        differentiable: loss.backward() reaches the model's parameters through
        the criterion and through both penalties
    """
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the regularized_loss function")
    # ####################################################################
    # loss = criterion(output, target) + ...
    #
    # return loss
    # END PROMPT


# %%
## uncomment to test
# set_seed(seed=SEED)
# net = nn.Linear(20, 20)
# criterion = nn.MSELoss()
# inputs = torch.randn(8, 20)
# targets = torch.randn(8, 20)
# output = net(inputs)
# print(f"Loss without regularization: {regularized_loss(output, targets, net, criterion)}")
# print(f"Loss with L1 and L2: {regularized_loss(output, targets, net, criterion, lambda1=0.001, lambda2=0.01)}")

# %% [markdown]
# Expected output (the network is the one of Exercises 1.1 and 1.2, so the
# difference is `0.001 * 48.4451 + 0.01 * 7.3284 = 0.1217`):
#
# ```
# Random seed 2021 has been set.
# Loss without regularization: 1.2248789072036743
# Loss with L1 and L2: 1.3466078042984009
# ```

# %% [markdown]
# ## Section 2: Dropout
#
# With Dropout, we literally drop out (zero out) some neurons during training.
# Throughout the training, the standard dropout zeros out some fraction (usually
# 50%) of the nodes in each layer, and on each iteration, before calculating the
# subsequent layer. Randomly selecting different subsets to drop out introduces
# noise into the process and reduces overfitting.
#
# In practice the units are not removed from the model: their output, their
# activation, is forced to be zero. Each unit is dropped independently, with
# probability $p$ (a hyper-parameter), and a new random subset is dropped for every
# mini-batch, so each forward pass trains a different "thinned" network; at test
# time all the neurons are used, which is like averaging that ensemble.
#
# ### Inverted dropout: why $1/(1-p)$
#
# Dropping units reduces the overall input to the next layer. Take one output
# neuron $a = w_1 x + w_2 y$ and $p = 0.4$: each input survives with probability
# $3/5$, so during training
#
# \begin{equation}
# E[a] = \frac{3}{5} \cdot \frac{3}{5} (w_1x + w_2y) + \frac{3}{5} \cdot \frac{2}{5} (w_1x + 0y) + \frac{2}{5} \cdot \frac{3}{5} (0x + w_2y) + \frac{2}{5} \cdot \frac{2}{5} (0x + 0y) = \frac{3}{5} w_1x + \frac{3}{5} w_2y
# \end{equation}
#
# while at validation or test time, without dropout, $E[a] = w_1x + w_2y$. One
# fix scales everything down by $1-p$ at test time. *Inverted dropout*, the one
# PyTorch implements, turns this around: during training the surviving
# activations are scaled **up** by $1/(1-p)$,
#
# \begin{equation}
# E[a] = \left( \frac{3}{5} w_1x + \frac{3}{5} w_2y \right) / (1 - 0.4) = w_1x + w_2y,
# \end{equation}
#
# so the expected value of every activation is the same in training and in
# evaluation, and nothing is rescaled at test time.
#
# ### Dropout Implementation Caveats
#
# * Dropout is used only during training. However, the complete model weights are
#   used during testing, so it is vital to use the `model.eval()` method before
#   testing the model (and `model.train()` to switch dropout back on).
# * Dropout reduces the capacity of the model during training, and hence as a
#   general practice, wider networks are used when using dropout. If you are using
#   a dropout with a random probability of 0.5, you might want to double the number
#   of hidden neurons in that layer.
#
# ### Coding Exercise 2.1: Inverted dropout
#
# Write a function that applies inverted dropout to a tensor `x`:
#
# * `p` outside $[0, 1]$ raises `ValueError`;
# * `training=False` or `p == 0` returns `x` unchanged, and `p == 1` returns zeros;
# * otherwise each element is zeroed independently with probability `p` and the
#   survivors are multiplied by $1/(1-p)$.
#
# Build the random mask yourself from torch primitives such as `torch.rand_like`:
# calling `torch.nn.functional.dropout`, `torch.dropout` or `nn.Dropout` does not
# count as an answer. Do not modify `x` in place (no `x.mul_`, `x[mask] = 0`, ...):
# return a new tensor, so that gradients flow back to the kept elements.

# %%
def dropout(x, p, training=True):
    """
    This function applies inverted dropout to the tensor x

    Args:
      x: torch.Tensor
        Input activations
      p: float
        Probability of dropping (zeroing) each element, in [0, 1]
      training: boolean
        If `False`, x is returned unchanged [default: True]

    Returns:
      output: torch.Tensor
        x with each element zeroed with probability p and the survivors scaled
        by 1/(1-p); x itself when not training or p == 0, zeros when p == 1.
        Same shape and dtype as x; x is never modified in place.

    Raises:
      ValueError: if p is outside [0, 1]
    """
    ####################################################################
    # Fill in all missing code below (...),
    # then remove or comment the line below to test your function
    # BEGIN SOLUTION
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask / (1 - p)
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the dropout function")
    # ####################################################################
    # if ...:  # p outside [0, 1]
    #     raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    # if ...:  # nothing to drop
    #     return x
    # if ...:  # everything is dropped
    #     return torch.zeros_like(x)
    # mask = ...  # True where the element is kept, with probability 1 - p
    #
    # return ...
    # END PROMPT


# %%
## uncomment to test
# set_seed(seed=SEED)
# x = torch.ones(2, 5)
# print(dropout(x, p=0.4))
# print(dropout(x, p=0.4, training=False))
# y = dropout(torch.ones(1000, 1000), p=0.4)
# print(f"Fraction of elements kept: {(y != 0).float().mean().item():.2f}")
# print(f"Mean of the output: {y.mean().item():.2f}")

# %% [markdown]
# Expected output:
#
# ```
# Random seed 2021 has been set.
# tensor([[0.0000, 1.6667, 1.6667, 1.6667, 1.6667],
#         [0.0000, 0.0000, 1.6667, 0.0000, 0.0000]])
# tensor([[1., 1., 1., 1., 1.],
#         [1., 1., 1., 1., 1.]])
# Fraction of elements kept: 0.60
# Mean of the output: 1.00
# ```
#
# The positions of the zeros above come from `mask = torch.rand_like(x) > p`; if
# you draw your mask another way (for example with `torch.bernoulli`), the zeros
# fall elsewhere, but the kept values are still `1 / (1 - 0.4) = 1.6667` and the
# last two lines are the same.

# %% [markdown]
# ### Coding Exercise 2.2: A Dropout layer
#
# Wrap your function in an `nn.Module`, like `nn.Dropout`: `forward` applies
# `dropout` with `training=self.training`, so that `model.train()` switches it on
# and `model.eval()` switches it off.

# %%
class Dropout(nn.Module):
    """
    Dropout layer applying `dropout`; `model.eval()` switches it off
    """

    def __init__(self, p=0.5):
        """
        Initialize the Dropout layer

        Args:
          p: float
            Probability of dropping each element [default: 0.5]

        Returns:
          Nothing
        """
        super().__init__()
        self.p = p

    def forward(self, x):
        """
        Forward pass of Dropout

        Args:
          x: torch.Tensor
            Input activations

        Returns:
          output: torch.Tensor
            dropout(x, self.p, training=self.training)
        """
        ####################################################################
        # Fill in all missing code below (...),
        # then remove or comment the line below to test your function
        # BEGIN SOLUTION
        return dropout(x, self.p, training=self.training)
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the Dropout.forward function")
        # ####################################################################
        # return ...
        # END PROMPT


# %%
## uncomment to test
# set_seed(seed=SEED)
# layer = Dropout(p=0.5)
# x = torch.arange(1., 9.).reshape(2, 4)
# print(layer(x))
# layer.eval()
# print(layer(x))

# %% [markdown]
# Expected output (the zeros fall where `torch.rand_like(x) > p` is `False`):
#
# ```
# Random seed 2021 has been set.
# tensor([[ 0.,  4.,  6.,  8.],
#         [10.,  0.,  0., 16.]])
# tensor([[1., 2., 3., 4.],
#         [5., 6., 7., 8.]])
# ```
