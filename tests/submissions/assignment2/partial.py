"""Partial submission: only l1_reg and l2_reg, both correct; the other three names are missing.

dropout, Dropout and regularized_loss are not defined at all (not even as stubs).

The grader must give the l1_reg and l2_reg tests full credit and list every test of
the three missing names at 0, each saying that the name is not defined.
"""

import torch


def l1_reg(model):
    """Sum of |w| over every parameter of the model, as a 0-dim tensor."""
    l1 = torch.zeros(())
    for param in model.parameters():
        l1 = l1 + param.abs().sum()
    return l1


def l2_reg(model):
    """Sum of w**2 over every parameter of the model, as a 0-dim tensor."""
    l2 = torch.zeros(())
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()
    return l2
