"""Assignment 2: regularization (L1, L2 and dropout) -- reference solution.

Adapted from Neuromatch Academy W2D1 Tutorial 2, "Regularization techniques part 2".
Graded names: l1_reg, l2_reg, dropout, Dropout, regularized_loss.
"""

import random

import numpy as np
import torch
import torch.nn as nn


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
    for param in model.parameters():
        l1 = l1 + param.abs().sum()

    return l1


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
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()

    return l2


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
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask / (1 - p)


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
        return dropout(x, self.p, training=self.training)


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
    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)
