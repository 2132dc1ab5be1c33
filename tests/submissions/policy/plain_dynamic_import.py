"""Plain code, __import__: l1_reg imports torch by name; regularized_loss calls l1_reg, so it is charged too.

l2_reg, which regularized_loss also calls, is plain code and is not charged.
"""
import torch


def l1_reg(model):
    maths = __import__("torch")
    return sum((maths.abs(param).sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    return sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    return criterion(output, target) + lambda1 * l1_reg(model) + lambda2 * l2_reg(model)
