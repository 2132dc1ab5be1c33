"""One seeding routine for both sides, so student and reference draw the same numbers."""
import random

import numpy as np


def seed_everything(seed: int) -> None:
    """Seed python's `random`, numpy's global generator and torch."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
