"""Assignment 1: narrow linear networks (the MSE loss, gradient descent, depth).

Adapted from Neuromatch Academy W1D2 Tutorial 2, "Learning Hyperparameters".
Complete loss, ShallowNarrowExercise and DeepNarrowLNN. The grader imports this
module and calls them, so keep their names and signatures.
"""

# %% [markdown]
# # Assignment 1: Learning Hyperparameters
#
# **Tutorial Objectives**
#
# 1. Training landscape
# 2. The effect of depth
# 3. Choosing a learning rate
# 4. Initialization matters
#
# **How this assignment is graded.** The grader imports this file as a Python
# module and calls `loss`, `ShallowNarrowExercise` and `DeepNarrowLNN` on its own
# data. Only those three are graded: do not rename them or change their
# signatures. The example cells below are commented out (`## uncomment to test`)
# so that importing the module runs nothing; uncomment them while you work and
# compare with the expected output printed under each of them.

# %%
import random

import numpy as np
import torch

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
# ## Helper functions
#
# `gen_samples` draws the training data of every exercise below: `y = a * x`
# plus Gaussian noise. It is given; you do not need to change it.

# %%
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


# %% [markdown]
# ## Section 1: A Shallow Narrow Linear Neural Network
#
# To better understand the behavior of neural network training with gradient
# descent, we start with the incredibly simple case of a shallow narrow linear
# neural net, since state-of-the-art models are impossible to dissect and
# comprehend with our current mathematical tools.
#
# The model we use has one hidden layer, with only one neuron, and two weights:
# its prediction is $y_p = w_2 \cdot w_1 \cdot x$. We consider the squared error
# (or L2 loss) as the cost function.
#
# ### Analytical Exercise 1.1: Loss Gradients
#
# Calculate the network gradients analytically, since you will need them for the
# next exercise. For one sample,
#
# \begin{equation}
# \dfrac{\partial{loss}}{\partial{w_1}} = -2 \cdot w_2 \cdot x \cdot (y - w_1 \cdot w_2 \cdot x)
# \qquad
# \dfrac{\partial{loss}}{\partial{w_2}} = -2 \cdot w_1 \cdot x \cdot (y - w_1 \cdot w_2 \cdot x)
# \end{equation}
#
# ### Coding Exercise 1.1: Implement simple narrow LNN
#
# Next, we ask you to implement the `forward` pass for our model from scratch
# without using PyTorch.
#
# Also, although our model gets a single input feature and outputs a single
# prediction, we could calculate the loss and perform training for multiple
# samples at once. This is the common practice for neural networks, since
# computers are incredibly fast doing matrix (or tensor) operations on batches of
# data, rather than processing samples one at a time through `for` loops.
# Therefore, for the `loss` function, please implement the **mean** squared error
# (MSE), and adjust your analytical gradients accordingly when implementing the
# `dloss_dw` function: each one is the mean of the per-sample gradients above.
#
# Finally, complete the `train` function for the gradient descent algorithm:
#
# * `loss_records[i]` is the loss **before** the update of epoch `i`;
# * both gradients are computed first, from the same weights, and then both
#   weights are updated: `w -= lr * dloss_dw`;
# * `weight_records[i]` is `[w1, w2]` **after** the update of epoch `i`.
#
# `loss(y_prediction, y_true)` checks that both arrays have the same shape first
# (`assert`, or raise `ValueError`): otherwise numpy would silently broadcast a
# `(5,)` prediction against a `(5, 1)` label into a `(5, 5)` array.

# %%
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
      AssertionError or ValueError: if y_prediction and y_true differ in shape
    """
    #################################################
    ## Implement the MEAN squared error
    # Complete the function and remove or comment the line below
    # BEGIN SOLUTION
    if y_prediction.shape != y_true.shape:
        raise ValueError(f"y_prediction has shape {y_prediction.shape} but y_true has shape {y_true.shape}")
    mse = ((y_true - y_prediction) ** 2).mean()
    # END SOLUTION
    # BEGIN PROMPT
    # raise NotImplementedError("Complete the loss function")
    # #################################################
    # assert y_prediction.shape == y_true.shape
    # mse = ...
    # END PROMPT

    return mse


# %%
## uncomment to test
# y_prediction = np.array([1.0, 2.0, 3.0])
# y_true = np.array([1.0, 1.0, 1.0])
# print(f"MSE: {loss(y_prediction, y_true)}")

# %% [markdown]
# Expected output:
#
# ```
# MSE: 1.6666666666666667
# ```

# %%
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
        #################################################
        ## Implement the forward pass to calculate prediction
        ## Note that prediction is not the loss
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        y = x * self.w1 * self.w2
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the ShallowNarrowExercise.forward function")
        # #################################################
        # y = ...
        # END PROMPT

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
        #################################################
        ## Implement the gradient computation function
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        assert x.shape == y_true.shape
        error = y_true - self.w1 * self.w2 * x
        dloss_dw1 = - (2 * self.w2 * x * error).mean()
        dloss_dw2 = - (2 * self.w1 * x * error).mean()
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the ShallowNarrowExercise.dloss_dw function")
        # #################################################
        # assert x.shape == y_true.shape
        # dloss_dw1 = ...
        # dloss_dw2 = ...
        # END PROMPT

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
        #################################################
        ## Implement the gradient descent step
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        assert x.shape == y_true.shape
        loss_records = np.empty(n_ep)  # Pre allocation of loss records
        weight_records = np.empty((n_ep, 2))  # Pre allocation of weight records

        for i in range(n_ep):
            y_prediction = self.forward(x)
            loss_records[i] = loss(y_prediction, y_true)
            dloss_dw1, dloss_dw2 = self.dloss_dw(x, y_true)
            self.w1 -= lr * dloss_dw1
            self.w2 -= lr * dloss_dw2
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the ShallowNarrowExercise.train function")
        # #################################################
        # assert x.shape == y_true.shape
        # loss_records = np.empty(n_ep)  # Pre allocation of loss records
        # weight_records = np.empty((n_ep, 2))  # Pre allocation of weight records
        #
        # for i in range(n_ep):
        #     y_prediction = self.forward(x)
        #     loss_records[i] = loss(y_prediction, y_true)
        #     dloss_dw1, dloss_dw2 = self.dloss_dw(x, y_true)
        #     self.w1 -= ...
        #     self.w2 -= ...
        # END PROMPT
            weight_records[i] = [self.w1, self.w2]

        return loss_records, weight_records


# %%
## uncomment to test
# model = ShallowNarrowExercise([1.0, 1.0])
# dloss_dw1, dloss_dw2 = model.dloss_dw(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
# print(f"dloss_dw1 = {dloss_dw1}, dloss_dw2 = {dloss_dw2}")
#
# set_seed(seed=SEED)
# n_epochs = 211
# learning_rate = 0.02
# initial_weights = [1.4, -1.6]
# x_train, y_train = gen_samples(n=73, a=2.0, sigma=0.2)
# x_eval = np.linspace(0.0, 1.0, 37, endpoint=True)
# sn_model = ShallowNarrowExercise(initial_weights)
# loss_log, weight_log = sn_model.train(x_train, y_train, learning_rate, n_epochs)
# y_eval = sn_model.forward(x_eval)
# print(f"Loss before the first update: {loss_log[0]:.6f}")
# print(f"Loss before the last update: {loss_log[-1]:.6f}")
# print(f"Weights after training: w1 = {weight_log[-1, 0]:.6f}, w2 = {weight_log[-1, 1]:.6f}")
# print(f"Prediction at x = 1: {y_eval[-1]:.6f}")

# %% [markdown]
# Expected output:
#
# ```
# dloss_dw1 = -5.0, dloss_dw2 = -5.0
# Random seed 2021 has been set.
# Loss before the first update: 6.354733
# Loss before the last update: 0.034026
# Weights after training: w1 = -1.331163, w2 = -1.525463
# Prediction at x = 1: 2.030639
# ```
#
# The weights end near the blue ribbon of solutions $w_1 w_2 = 2$ of the
# tutorial's plots: $w_1$ crossed zero on the way.

# %% [markdown]
# ## Section 2: Depth, Learning rate, and initialization
#
# Imagine a single input, single output linear network with 50 hidden layers and
# only one neuron per layer (i.e. a narrow deep neural network). The output of
# the network is easy to calculate:
#
# \begin{equation}
# prediction = x \cdot \prod_{i=1}^{51} w_i = x \cdot w_1 \cdot w_2 \cdots w_{51}
# \end{equation}
#
# If the initial value for all the weights is $w_i = 2$, the prediction for
# $x=1$ would be exploding: $y_p = 2^{50} \approx 1.1256 \times 10^{15}$. On the
# other hand, for weights initialized to $w_i = 0.5$, the output is vanishing:
# $y_p = 0.5^{50} \approx 8.88 \times 10^{-16}$. Similarly, if we recall the
# chain rule, as the graph gets deeper, the number of elements in the chain
# multiplication increases, which could lead to exploding or vanishing gradients.
#
# ### Coding Exercise 2.1: A deep narrow LNN
#
# Complete `DeepNarrowLNN`, whose weights are stored as one row `self.W` of
# shape `(1, n)`:
#
# * `forward(x)` returns `prod(W) * x`;
# * `loss(y_t, y_p)` is the mean squared error **with 1/2 for convenience**,
#   `mean((y_t - y_p)**2 / 2)`: note the argument order, targets first;
# * `dloss_dw(x, y_t, y_p)` returns an array shaped like `W` whose entry `i` is
#
# \begin{equation}
# \dfrac{\partial{loss}}{\partial{w_i}} = -\mathrm{mean}\big(x \cdot (y_t - y_p)\big) \cdot \prod_{j \neq i} w_j
# \end{equation}
#
#   (the 1/2 cancels the 2 of the square). The product of the *other* weights can
#   be computed exactly or, as the tutorial does, as `np.prod(W) / (W + 1e-9)`;
#   both are accepted.
# * `train(x, y_t, eta, n_epochs)` runs gradient descent and returns the loss
#   before each update. Deep networks overflow: when the gradient holds a NaN or
#   an inf, training stops and returns right away, and the records of the epochs
#   that did not run stay NaN.

# %%
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
        #################################################
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        y = np.prod(self.W) * x
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the DeepNarrowLNN.forward function")
        # #################################################
        # y = ...
        # END PROMPT

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
        #################################################
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        assert y_p.shape == y_t.shape
        mse = ((y_t - y_p) ** 2 / 2).mean()
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the DeepNarrowLNN.loss function")
        # #################################################
        # assert y_p.shape == y_t.shape
        # mse = ...
        # END PROMPT

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
        #################################################
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        E = y_t - y_p  # i.e., y_t - x * np.prod(self.W)
        Ex = np.multiply(x, E).mean()
        weights = self.W.ravel()
        # The exact product of the others: dividing prod(W) by W_i fails when W_i is 0. The product of the weights
        # before i times the product of those after it takes two cumulative products, not one product per weight.
        before = np.cumprod(np.concatenate(([1.0], weights[:-1])))
        after = np.cumprod(np.concatenate(([1.0], weights[:0:-1])))[::-1]
        Wp = (before * after).reshape(self.W.shape)
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the DeepNarrowLNN.dloss_dw function")
        # #################################################
        # E = y_t - y_p  # i.e., y_t - x * np.prod(self.W)
        # Ex = ...
        # Wp = ...  # the product of the other weights, shaped like self.W
        # END PROMPT
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
        #################################################
        # Complete the function and remove or comment the line below
        # BEGIN SOLUTION
        loss_records = np.empty(n_epochs)
        loss_records[:] = np.nan
        for i in range(n_epochs):
            y_p = self.forward(x)
            loss_records[i] = self.loss(y_t, y_p).mean()
            dloss_dw = self.dloss_dw(x, y_t, y_p)
            if np.isnan(dloss_dw).any() or np.isinf(dloss_dw).any():
                return loss_records
            self.W -= eta * dloss_dw
        # END SOLUTION
        # BEGIN PROMPT
        # raise NotImplementedError("Complete the DeepNarrowLNN.train function")
        # #################################################
        # loss_records = np.empty(n_epochs)
        # loss_records[:] = np.nan
        # for i in range(n_epochs):
        #     y_p = ...
        #     loss_records[i] = ...
        #     dloss_dw = ...
        #     if ...:  # the gradient holds a NaN or an inf
        #         return loss_records
        #     self.W -= ...
        # END PROMPT

        return loss_records


# %%
## uncomment to test
# model = DeepNarrowLNN(np.array([[0.5, 2.0, 3.0]]))
# x = np.array([1.0, 2.0])
# y = np.array([2.0, 4.0])
# y_p = model.forward(x)
# print(y_p)
# print(model.loss(y, y_p))
# print(np.round(model.dloss_dw(x, y, y_p), 6))

# %% [markdown]
# Expected output:
#
# ```
# [3. 6.]
# 1.25
# [[15.    3.75  2.5 ]]
# ```

# %% [markdown]
# ### Interactive Demo 2.1: Depth, learning rate and initialization
#
# The tutorial's widgets train `DeepNarrowLNN(np.full((1, depth + 1), w))` on
# `gen_samples(100, 2.0, 0.1)` for 600 epochs. Deeper networks start on a longer
# plateau; with weights above 1 a deep network explodes within a few epochs, and
# you will see numpy's overflow `RuntimeWarning`s: that is expected.

# %%
## uncomment to test
# set_seed(seed=SEED)
# x_train, y_train = gen_samples(100, 2.0, 0.1)
# for depth in [0, 10, 50]:
#     model = DeepNarrowLNN(np.full((1, depth + 1), 0.9))
#     loss_log = model.train(x_train, y_train, 0.02 if depth == 0 else 0.01, 600)
#     print(f"depth {depth}: loss {loss_log[0]:.6f} before the first update, {loss_log[-1]:.6f} before the last")
# model = DeepNarrowLNN(np.full((1, 31), 1.1))
# loss_log = model.train(x_train, y_train, 0.021, 600)
# print([f"{value:.4g}" for value in loss_log[:5]])
# print(f"NaN records: {np.isnan(loss_log).sum()} of {len(loss_log)}")

# %% [markdown]
# Expected output:
#
# ```
# Random seed 2021 has been set.
# depth 0: loss 0.222667 before the first update, 0.004592 before the last
# depth 10: loss 0.513894 before the first update, 0.004548 before the last
# depth 50: loss 0.716506 before the first update, 0.004548 before the last
# ['52.29', '373.5', '3.054e+66', 'inf', 'nan']
# NaN records: 596 of 600
# ```
