"""Plain code, reflection on modules and classes: getattr on torch, setattr on torch.Tensor.

l1_reg reads torch.abs by name (charged with regularized_loss, which calls it); dropout
rewrites a method of torch.Tensor through setattr.
"""
import torch


def l1_reg(model):
    absolute = getattr(torch, "abs")
    return sum((absolute(param).sum() for param in model.parameters()), torch.zeros(()))


def dropout(x, p, training=True):
    setattr(torch.Tensor, "clone", lambda self: self)
    return x * (torch.rand_like(x) > p) / (1 - p)


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    return criterion(output, target) + lambda1 * l1_reg(model)
