"""Own work through torch.optim._functional, imported under an alias of its own."""
import torch
from torch.optim import _functional as optim_kernels


def sgd_step(theta, grad, lr):
    params, grads = [torch.tensor(theta)], [torch.tensor(grad)]
    optim_kernels.sgd(params, grads, [None], weight_decay=0.0, momentum=0.0, lr=lr, dampening=0.0,
                      nesterov=False, maximize=False)
    return params[0].numpy()
