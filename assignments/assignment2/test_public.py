"""Public tests of assignment2: the seed's printed values and the basic rules.

Run them with `grade assignment2` in the folder holding regularization.py (or .ipynb).
Your instructor's hidden tests check much more; these catch the first mistakes.
"""
import torch
import torch.nn as nn

from autograder.checks import StudentFault, expect_close, expect_raises, expect_that, graded, seed_everything

SEED = 2021


def seed_linear():
    """nn.Linear(20, 20) right after set_seed(2021), as in the tutorial."""
    seed_everything(SEED)
    return nn.Linear(20, 20)


@graded("l1_reg: the tutorial's value 48.445133209228516 for nn.Linear(20, 20) after set_seed(2021)")
def test_l1_reg_seed_value(student):
    expect_close(student.l1_reg(seed_linear()), torch.tensor(48.445133209228516),
                 call="l1_reg(nn.Linear(20, 20)) after set_seed(2021)")


@graded("l2_reg: the tutorial's value 7.328375816345215 for nn.Linear(20, 20) after set_seed(2021)")
def test_l2_reg_seed_value(student):
    expect_close(student.l2_reg(seed_linear()), torch.tensor(7.328375816345215),
                 call="l2_reg(nn.Linear(20, 20)) after set_seed(2021)")


@graded("dropout: keeps the shape, and training=False returns x")
def test_dropout_basics(student):
    x = torch.arange(1.0, 13.0).reshape(3, 4)
    out = student.dropout(x, 0.5)
    expect_that(isinstance(out, torch.Tensor) and out.shape == x.shape,
                "dropout(x, 0.5) must return a tensor shaped like x (3, 4).")
    expect_close(student.dropout(x, 0.5, training=False), x, call="dropout(x, 0.5, training=False)")


@graded("dropout: raises ValueError for p = 1.5")
def test_dropout_rejects_bad_p(student):
    expect_raises(ValueError, student.dropout, torch.ones(3), 1.5)


@graded("Dropout: forward applies your dropout with self.p and self.training")
def test_dropout_module_applies_dropout(student):
    x = torch.arange(1.0, 9.0).reshape(2, 4)
    layer = student.Dropout(p=0.5)
    for mode in ("train", "eval"):
        getattr(layer, mode)()
        got = layer.seeded(SEED)(x)
        try:  # judged by your own dropout, so a mistake there is not counted twice
            expected = student.dropout.seeded(SEED)(x, 0.5, training=mode == "train")
        except StudentFault:
            expected = x if mode == "eval" else got
        expect_close(got, expected, call=f"Dropout(p=0.5) after .{mode}() applied to x")


@graded("regularized_loss: with lambda1 = lambda2 = 0 it is the criterion alone")
def test_regularized_loss_without_penalties(student):
    seed_everything(SEED)
    model = nn.Linear(3, 1)
    inputs, target = torch.randn(8, 3), torch.randn(8, 1)
    with torch.no_grad():
        output = model(inputs)
    expect_close(student.regularized_loss(output, target, model, nn.MSELoss(), 0.0, 0.0),
                 nn.MSELoss()(output, target), call="regularized_loss(output, target, model, nn.MSELoss(), 0.0, 0.0)")
