"""Assignment 1: narrow linear networks -- reference solution.

Adapted from Neuromatch Academy W1D2 Tutorial 2, "Learning Hyperparameters".
Graded names: loss, ShallowNarrowExercise, DeepNarrowLNN.
"""

import random

import numpy as np
import torch


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


def gen_samples(n, a, sigma):
    """
    Generates n samples with
    `y = z * x + noise(sigma)` linear relation.

    Args:
      n : int
        Number of datapoints within sample
      a : float
        Offset of x
      sigma : float
        Standard deviation of distribution

    Returns:
      x : np.array
        if sigma > 0, x = random values
        else, x = evenly spaced numbers over a specified interval.
      y : np.array
        y = z * x + noise(sigma)
    """
    assert n > 0
    assert sigma >= 0

    if sigma > 0:
        x = np.random.rand(n)
        noise = np.random.normal(scale=sigma, size=(n))
        y = a * x + noise
    else:
        x = np.linspace(0.0, 1.0, n, endpoint=True)
        y = a * x
    return x, y


def loss(y_prediction, y_true):
    """
    Mean squared error

    Args:
      y_prediction: np.ndarray
        Model output (prediction)
      y_true: np.ndarray
        True label

    Returns:
      mse: float
        Mean squared error loss, mean((y_true - y_prediction)**2)

    Raises:
      ValueError: if y_prediction and y_true differ in shape
    """
    if y_prediction.shape != y_true.shape:
        raise ValueError(f"y_prediction has shape {y_prediction.shape} but y_true has shape {y_true.shape}")
    mse = ((y_true - y_prediction) ** 2).mean()

    return mse


class ShallowNarrowExercise:
    """
    Shallow and narrow (one neuron per layer) linear neural network
    """

    def __init__(self, init_weights):
        """
        Initialize parameters of ShallowNarrow Net

        Args:
          init_weights: list
            Initial weights

        Returns:
          Nothing
        """
        assert isinstance(init_weights, (list, np.ndarray, tuple))
        assert len(init_weights) == 2
        self.w1 = init_weights[0]
        self.w2 = init_weights[1]

    def forward(self, x):
        """
        The forward pass through netwrok y = x * w1 * w2

        Args:
          x: np.ndarray
            Features (inputs) to neural net

        Returns:
          y: np.ndarray
            Neural network output (predictions)
        """
        y = x * self.w1 * self.w2

        return y

    def dloss_dw(self, x, y_true):
        """
        Gradient of loss with respect to weights

        Args:
          x: np.ndarray
            Features (inputs) to neural net
          y_true: np.ndarray
            True labels

        Returns:
          dloss_dw1: float
            Mean gradient of loss with respect to w1
          dloss_dw2: float
            Mean gradient of loss with respect to w2
        """
        assert x.shape == y_true.shape
        error = y_true - self.w1 * self.w2 * x
        dloss_dw1 = - (2 * self.w2 * x * error).mean()
        dloss_dw2 = - (2 * self.w1 * x * error).mean()

        return dloss_dw1, dloss_dw2

    def train(self, x, y_true, lr, n_ep):
        """
        Training with Gradient descent algorithm

        Args:
          x: np.ndarray
            Features (inputs) to neural net
          y_true: np.ndarray
            True labels
          lr: float
            Learning rate
          n_ep: int
            Number of epochs (training iterations)

        Returns:
          loss_records: np.ndarray
            Training loss records, shape (n_ep,): the loss before each update
          weight_records: np.ndarray
            Training weight records (evolution of weights), shape (n_ep, 2):
            [w1, w2] after each update
        """
        assert x.shape == y_true.shape
        loss_records = np.empty(n_ep)  # Pre allocation of loss records
        weight_records = np.empty((n_ep, 2))  # Pre allocation of weight records

        for i in range(n_ep):
            y_prediction = self.forward(x)
            loss_records[i] = loss(y_prediction, y_true)
            dloss_dw1, dloss_dw2 = self.dloss_dw(x, y_true)
            self.w1 -= lr * dloss_dw1
            self.w2 -= lr * dloss_dw2
            weight_records[i] = [self.w1, self.w2]

        return loss_records, weight_records


class DeepNarrowLNN:
    """
    Deep but thin (one neuron per layer)
    linear neural network
    """

    def __init__(self, init_ws):
        """
        Initialize parameters of DeepNarrowLNN

        Args:
          init_ws: np.ndarray
            Initial weights as a numpy array, one per layer, of any shape

        Returns:
          Nothing
        """
        self.W = np.array(init_ws, dtype=float).reshape(1, -1)  # a copy: training must not change the caller's array
        self.n = self.W.size

    def forward(self, x):
        """
        Forward pass of DeepNarrowLNN

        Args:
          x : np.array
            Input features

        Returns:
          y: np.array
            Product of weights over input features
        """
        y = np.prod(self.W) * x

        return y

    def loss(self, y_t, y_p):
        """
        Mean squared error (L2 loss)

        Args:
          y_t : np.array
            Targets
          y_p : np.array
            Network's predictions

        Returns:
          mse: float
            Mean squared error, with 1/2 for convenience: mean((y_t - y_p)**2 / 2)
        """
        assert y_p.shape == y_t.shape
        mse = ((y_t - y_p) ** 2 / 2).mean()

        return mse

    def dloss_dw(self, x, y_t, y_p):
        """
        Analytical gradient of weights

        Args:
          x : np.array
            Input features
          y_t : np.array
            Targets
          y_p : np.array
            Network Predictions

        Returns:
          dW: np.ndarray
            Analytical gradient of weights, shaped like self.W: entry i is
            -mean(x * (y_t - y_p)) times the product of all the other weights
        """
        E = y_t - y_p  # i.e., y_t - x * np.prod(self.W)
        Ex = np.multiply(x, E).mean()
        weights = self.W.ravel()
        # The exact product of the others: dividing prod(W) by W_i fails when W_i is 0.
        Wp = np.array([np.prod(np.delete(weights, i)) for i in range(weights.size)]).reshape(self.W.shape)
        dW = - Ex * Wp

        return dW

    def train(self, x, y_t, eta, n_epochs):
        """
        Training using gradient descent

        Args:
          x : np.array
            Input Features
          y_t : np.array
            Targets
          eta: float
            Learning rate
          n_epochs : int
            Number of epochs

        Returns:
          loss_records: np.ndarray
            Log of loss over epochs, shape (n_epochs,): the loss before each
            update; NaN from the epoch after the gradient held a NaN or inf
        """
        loss_records = np.empty(n_epochs)
        loss_records[:] = np.nan
        for i in range(n_epochs):
            y_p = self.forward(x)
            loss_records[i] = self.loss(y_t, y_p).mean()
            dloss_dw = self.dloss_dw(x, y_t, y_p)
            if np.isnan(dloss_dw).any() or np.isinf(dloss_dw).any():
                return loss_records
            self.W -= eta * dloss_dw

        return loss_records
