"""A correct assignment-2 submission written with the idioms real notebooks are full of.

Setup cells (seeding, device, plot style, logging, warnings, Colab detection), plotting and
widget helpers that are never graded, a training loop with torch.optim and tqdm, and graded
code using getattr/setattr on plain objects, `__class__.__name__`, `type(x)`, isinstance,
dataclasses, register_buffer and torch.no_grad. The policy must find nothing here.
"""

import logging
import os
import random
import sys
import warnings
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from tqdm.auto import tqdm

try:
    import ipywidgets as widgets
except ImportError:
    widgets = None

# %% Figure settings
logging.getLogger("matplotlib.font_manager").disabled = True
warnings.filterwarnings("ignore")
plt.style.use("ggplot")
plt.rcParams["figure.figsize"] = (8, 6)
IN_COLAB = "google.colab" in sys.modules


# %% Set random seed
def set_seed(seed=None, seed_torch=True):
    if seed is None:
        seed = np.random.choice(2 ** 32)
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if seed_torch:
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    print(f"Random seed {seed} has been set.")


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2 ** 32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


def set_device():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device != "cuda":
        print("GPU is not enabled in this notebook.")
    return device


SEED = 2021
set_seed(seed=SEED)
DEVICE = set_device()
g_seed = torch.Generator()
g_seed.manual_seed(SEED)


@dataclass
class Settings:
    lambda1: float = 0.0
    lambda2: float = 0.0
    epochs: int = 2


# %% Graded exercises
def l1_reg(model):
    if not isinstance(model, nn.Module):
        raise TypeError(f"expected a model, got {type(model).__name__}")
    l1 = torch.zeros(())
    for name, param in model.named_parameters():
        if getattr(param, "requires_grad", True):
            l1 = l1 + param.abs().sum()
    return l1


def l2_reg(model):
    parameters = dict(model.named_parameters())
    l2 = torch.zeros(())
    for name in sorted(parameters):
        l2 = l2 + parameters[name].pow(2).sum()
    return l2


def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    with torch.no_grad():
        mask = (torch.rand_like(x) > p).to(x.dtype)
    return x * mask / (1 - p)


class Dropout(nn.Module):
    def __init__(self, p=0.5, **options):
        super().__init__()
        setattr(self, "p", p)
        for key, value in options.items():
            setattr(self, key, value)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        return dropout(x, getattr(self, "p"), training=self.training)

    def extra_repr(self):
        return f"{self.__class__.__name__}(p={self.p}), {vars(self).get('training')}"


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    weights = {"l1": lambda1, "l2": lambda2}
    return criterion(output, target) + weights["l1"] * l1_reg(model) + weights["l2"] * l2_reg(model)


# %% Helpers that are never graded
def train(model, loader, settings: Settings, device=DEVICE):
    optimizer = optim.SGD(model.parameters(), lr=getattr(settings, "lr", 0.1))
    losses = []
    for _ in tqdm(range(settings.epochs), desc=model.__class__.__name__):
        for data, target in loader:
            optimizer.zero_grad()
            loss = regularized_loss(model(data.to(device)), target, model, F.cross_entropy,
                                    settings.lambda1, settings.lambda2)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def save_figure(figure, name, folder="figures"):
    os.makedirs(folder, exist_ok=True)
    figure.savefig(os.path.join(folder, f"{name}.png"))


def plot_masks(x, p):
    plt.imshow(dropout(x, p).numpy())
    plt.title(f"dropout with p={p}")
    plt.show()


if widgets is not None:
    @widgets.interact(p=widgets.FloatSlider(min=0.0, max=1.0, step=0.1, value=0.5))
    def show_dropout(p):
        plot_masks(torch.ones(8, 8), p)


if __name__ == "__main__":
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), Dropout(0.2), nn.Linear(8, 2))
    data = torch.utils.data.TensorDataset(torch.randn(16, 4), torch.randint(0, 2, (16,)))
    print(train(net, torch.utils.data.DataLoader(data, batch_size=4, worker_init_fn=seed_worker), Settings()))
