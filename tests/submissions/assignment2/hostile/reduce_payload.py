"""Hostile submission: return values whose unpickling runs a shell command.

l1_reg returns a plain object, l2_reg the correct value as a torch.Tensor subclass;
both reduce (pickle, copy.deepcopy, torch.save) to
`os.system("touch /tmp/PWNED_reduce_payload")`. A grader that pickle.loads (or
torch.load(weights_only=False)) what the student side sends runs it as the grader's
user. The grader must never unpickle student data: the marker file must not exist
after grading (remove it before the run). l1_reg gets 0 (not a tensor); l2_reg's
score is the grader's call (right value, in the graph, but a foreign subclass).
"""

import os

import torch
import torch.nn as nn

PAYLOAD = (os.system, ("touch /tmp/PWNED_reduce_payload",))


class Payload:
    def __reduce__(self):
        return PAYLOAD


class PayloadTensor(torch.Tensor):
    def __reduce_ex__(self, protocol):
        return PAYLOAD


def l1_reg(model):
    return Payload()


def l2_reg(model):
    l2 = sum((param.pow(2).sum() for param in model.parameters()), torch.zeros(()))
    return l2.as_subclass(PayloadTensor)


def dropout(x, p, training=True):
    raise NotImplementedError("Complete the dropout function")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
