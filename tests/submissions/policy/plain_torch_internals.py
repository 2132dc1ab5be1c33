"""Plain code, torch internals: torch._C inside regularized_loss, torch.library when the file is loaded."""
import torch

_LIBRARY = torch.library.Library("aten", "IMPL")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    torch._C._set_grad_enabled(True)
    return criterion(output, target)
