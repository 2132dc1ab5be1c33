"""Plain code, introspection: l1_reg reaches the module the model's forward was defined in."""
import torch


def l1_reg(model):
    namespace = model.forward.__func__.__globals__
    namespace["torch"] = torch
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))
