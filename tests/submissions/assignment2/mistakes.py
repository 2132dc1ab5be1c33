"""Named mistakes for assignment 2, each a wrong definition of one graded name.

Instructor-only fixture data for the project's tests. Every `Mistake.source` is
the reference solution's definition of `Mistake.function` (a function or a class)
with exactly one error in it, marked `# MISTAKE:`. `submissions.mutations.with_mistakes`
splices chosen mistakes into the reference source, so a test can grade "the reference plus
this mistake" and check which tests fail and what they say.
"""

from submissions.mutations import Mistake

MISTAKES = {
    "l1_skips_biases": Mistake(function="l1_reg", source='''\
def l1_reg(model):
    l1 = torch.zeros(())
    for name, param in model.named_parameters():
        if "bias" in name:  # MISTAKE: only the weights are penalized
            continue
        l1 = l1 + param.abs().sum()
    return l1
'''),
    "l1_returns_float": Mistake(function="l1_reg", source='''\
def l1_reg(model):
    l1 = torch.zeros(())
    for param in model.parameters():
        l1 = l1 + param.abs().sum()
    return l1.item()  # MISTAKE: a Python float, cut off from the autograd graph
'''),
    "l1_sqrt": Mistake(function="l1_reg", source='''\
def l1_reg(model):
    l1 = torch.zeros(())
    for param in model.parameters():
        l1 = l1 + param.abs().sum()
    return torch.sqrt(l1)  # MISTAKE: square root of the L1 sum
'''),
    "l2_skips_biases": Mistake(function="l2_reg", source='''\
def l2_reg(model):
    l2 = torch.zeros(())
    for name, param in model.named_parameters():
        if "bias" in name:  # MISTAKE: only the weights are penalized
            continue
        l2 = l2 + param.pow(2).sum()
    return l2
'''),
    "l2_takes_sqrt": Mistake(function="l2_reg", source='''\
def l2_reg(model):
    l2 = torch.zeros(())
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()
    return torch.sqrt(l2)  # MISTAKE: the Frobenius norm, not its square
'''),
    "l2_returns_float": Mistake(function="l2_reg", source='''\
def l2_reg(model):
    l2 = torch.zeros(())
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()
    return float(l2)  # MISTAKE: a Python float, cut off from the autograd graph
'''),
    "l2_halved": Mistake(function="l2_reg", source='''\
def l2_reg(model):
    l2 = torch.zeros(())
    for param in model.parameters():
        l2 = l2 + param.pow(2).sum()
    return l2 / 2  # MISTAKE: the 1/2 of weight decay's derivation
'''),
    "l2_weight_norm": Mistake(function="l2_reg", source='''\
def l2_reg(model):
    squares = sum(param.pow(2).sum() for name, param in model.named_parameters() if "weight" in name)
    return torch.sqrt(squares)  # MISTAKE: the norm of the weights alone
'''),
    "dropout_float64": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    return x * torch.from_numpy((np.random.rand(*x.shape) > p) / (1 - p))  # MISTAKE: a float64 mask promotes x
'''),
    "dropout_no_rescale": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask  # MISTAKE: survivors are not scaled by 1/(1-p)
'''),
    "dropout_keeps_with_p": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) < p  # MISTAKE: keeps with probability p, drops with 1-p
    return x * mask / (1 - p)
'''),
    "dropout_ignores_training": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0:  # MISTAKE: drops even when training is False
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask / (1 - p)
'''),
    "dropout_in_place": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    x.mul_(mask).div_(1 - p)  # MISTAKE: overwrites the caller's tensor
    return x
'''),
    "dropout_reseeds": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    torch.manual_seed(0)  # MISTAKE: every call draws the same mask
    mask = torch.rand_like(x) > p
    return x * mask / (1 - p)
'''),
    "dropout_calls_torch": Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    return torch.nn.functional.dropout(x, p, training)  # MISTAKE: delegates to torch
'''),
    "Dropout_ignores_eval": Mistake(function="Dropout", source='''\
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, training=True)  # MISTAKE: model.eval() has no effect
'''),
    "Dropout_uses_nn_dropout": Mistake(function="Dropout", source='''\
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p
        self.inner = nn.Dropout(p)  # MISTAKE: delegates to torch

    def forward(self, x):
        return self.inner(x)
'''),
    "regularized_loss_swaps_lambdas": Mistake(function="regularized_loss", source='''\
def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    # MISTAKE: lambda1 weights the L2 penalty and lambda2 the L1 penalty
    return criterion(output, target) + lambda2 * l1_reg(model) + lambda1 * l2_reg(model)
'''),
}
