"""Hostile submission: l1_reg tries the network and returns what happened.

It connects to 127.0.0.1:22, then binds a TCP port on 127.0.0.1, listens and
connects to its own listener (a probe that does not depend on anything else
listening on the machine). l1_reg returns the outcomes as one string, e.g.
"connect 127.0.0.1:22: ConnectionRefusedError; bind 127.0.0.1: port 40123; ...",
so it shows up in the feedback as "got '...'". The grader must deny student code
the network (a new network namespace, or Landlock's TCP rules): the outcome
contains neither "connected" nor "port", and l1_reg scores 0.
"""

import socket

import torch
import torch.nn as nn


def _outcome(action, attempt):
    try:
        return f"{action}: {attempt()}"
    except OSError as error:
        return f"{action}: {type(error).__name__}: {error}"


def _connect(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return "connected"


def _bind_and_self_connect():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        return f"port {port}; {_outcome('connect to own listener', lambda: _connect(port))}"


def l1_reg(model):
    return "; ".join([
        _outcome("connect 127.0.0.1:22", lambda: _connect(22)),
        _outcome("bind 127.0.0.1", _bind_and_self_connect),
    ])


def l2_reg(model):
    raise NotImplementedError("Complete the l2_reg function")


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
