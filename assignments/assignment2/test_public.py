"""Public tests of assignment2: the seed's printed values and the basic rules.

Run them with `grade assignment2` in the folder holding regularization.py (or .ipynb).
Every function's main job has a test here, so a mistake shows before your instructor's
hidden tests run; those check the same things on more models, shapes and seeds.
"""
import torch
import torch.nn as nn

from autograder.checks import (Mistake, StudentFault, describe, expect_close, expect_fraction, expect_raises,
                               expect_that, expect_unchanged, graded, seed_everything)

SEED = 2021
TUTORIAL_L1, TUTORIAL_L2 = 48.445133209228516, 7.328375816345215  # of nn.Linear(20, 20) after set_seed(2021)
SAMPLE = 20_000
IN_PLACE = ("x was modified in place (an operation ending in _ such as mul_, or an assignment into x[...]); compute a "
            "new tensor instead")
KEEPS_WITH_P = "the mask keeps each element with probability p instead of dropping it with probability p"
NOT_RESCALED = "the survivors were not scaled by 1/(1-p), so the expected activation shrinks to (1-p)*x"
SWAPPED = "lambda1 and lambda2 are swapped; lambda1 weighs the L1 penalty and lambda2 the L2 penalty"
FLOAT64_RESULT = ("the result is float64 where x is float32: a float64 mask or factor (np.random, a Python float "
                  "tensor, torch.tensor(1 / (1 - p), dtype=torch.float64)) promoted it; build the mask with "
                  "torch.rand_like(x) or cast with .to(x.dtype)")


def seed_linear():
    """nn.Linear(20, 20) right after set_seed(2021), as in the tutorial."""
    seed_everything(SEED)
    return nn.Linear(20, 20)


def positive(n):
    """n values in [1, 2): never zero, so a zero in dropout's output always means 'dropped'."""
    return 1 + torch.arange(n, dtype=torch.float32) / n


def own_dropout(student, x, p, training):
    """What your dropout(x, p, training) returns under the test's seed, or None when it raises or, in training,
    drops nothing: Dropout is then judged by what dropout must do."""
    try:
        own = student.dropout.seeded(SEED)(x, p, training=training)
    except StudentFault:
        return None
    if not isinstance(own, torch.Tensor) or (training and not bool((own != x).any())):
        return None
    return own


@graded("l1_reg: the tutorial's value 48.445133209228516 for nn.Linear(20, 20) after set_seed(2021)")
def test_l1_reg_seed_value(student):
    expect_close(student.l1_reg(seed_linear()), torch.tensor(TUTORIAL_L1),
                 call="l1_reg(nn.Linear(20, 20)) after set_seed(2021)")


@graded("l2_reg: the tutorial's value 7.328375816345215 for nn.Linear(20, 20) after set_seed(2021)")
def test_l2_reg_seed_value(student):
    expect_close(student.l2_reg(seed_linear()), torch.tensor(TUTORIAL_L2),
                 call="l2_reg(nn.Linear(20, 20)) after set_seed(2021)")


@graded("dropout: with p = 0.2 it zeroes about a fifth of x and scales the survivors by 1/(1-p)")
def test_dropout_drops_and_rescales(student):
    x, p = positive(SAMPLE), 0.2
    out = student.dropout.seeded(SEED)(x, p)
    expect_that(isinstance(out, torch.Tensor) and out.shape == x.shape,
                f"dropout(x, 0.2) on {SAMPLE} values must return a tensor shaped like x ({SAMPLE},).")
    expect_fraction(int((out == 0).sum()), SAMPLE, p, what=f"the fraction of zeros in dropout(x, p=0.2) on {SAMPLE} "
                                                           f"values", alternatives=[Mistake(KEEPS_WITH_P, 1 - p)])
    kept = out != 0
    expect_close(out[kept], x[kept] / (1 - p), call="the surviving elements of dropout(x, p=0.2)",
                 mistakes=[Mistake(NOT_RESCALED, x[kept])])


@graded("dropout: keeps the shape, and training=False returns x", core=False)
def test_dropout_basics(student):
    x = torch.arange(1.0, 13.0).reshape(3, 4)
    out = student.dropout(x, 0.5)
    expect_that(isinstance(out, torch.Tensor) and out.shape == x.shape,
                "dropout(x, 0.5) must return a tensor shaped like x (3, 4).")
    expect_close(student.dropout(x, 0.5, training=False), x, call="dropout(x, 0.5, training=False)")


@graded("dropout: keeps x's dtype, so a float32 model stays float32", core=False)
def test_dropout_keeps_dtype(student):
    for dtype in (torch.float32, torch.float64):
        out = student.dropout(positive(64).to(dtype), 0.5)
        expect_that(isinstance(out, torch.Tensor) and out.dtype == dtype,
                    f"dropout(x, 0.5) on a {dtype} x returned {describe(out)}; expected a {dtype} tensor, so that "
                    f"the next {dtype} layer accepts it.",
                    mistake=FLOAT64_RESULT if isinstance(out, torch.Tensor) and out.dtype == torch.float64 else None)


@graded("dropout: raises ValueError for p = 1.5", core=False)
def test_dropout_rejects_bad_p(student):
    expect_raises(ValueError, student.dropout, torch.ones(3), 1.5)


@graded("dropout: leaves x as it was after dropout(x, 0.5)", core=False)
def test_dropout_not_in_place(student):
    expect_unchanged(student, student.dropout, positive(64), 0.5, names=("x",), seed=SEED, mistake=IN_PLACE)


@graded("dropout: two calls on the same x drop different elements", core=False)
def test_dropout_fresh_masks(student):
    x = positive(64)
    first, second = student.dropout(x, 0.5), student.dropout(x, 0.5)
    expect_that(isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor)
                and not torch.equal(first == 0, second == 0),
                "two calls of dropout(x, 0.5) on 64 values dropped exactly the same elements; expected fresh random "
                "masks.", mistake="the random generator is re-seeded inside dropout (torch.manual_seed, np.random.seed "
                                  "or a fixed torch.Generator), so every call draws the same mask")


@graded("Dropout: in train() mode gives what your dropout(x, self.p) gives, and after eval() x itself")
def test_dropout_module_applies_dropout(student):
    x = positive(1000)
    layer = student.Dropout(p=0.5)
    layer.train()
    got = layer.seeded(SEED)(x)
    own = own_dropout(student, x, 0.5, training=True)
    if own is None:  # your dropout does not drop yet: judged by what dropout must do
        expect_that(isinstance(got, torch.Tensor) and got.shape == x.shape,
                    "Dropout(p=0.5)(x) in train() mode must return a tensor shaped like x (1000,).")
        expect_fraction(int((got == 0).sum()), x.numel(), 0.5,
                        what="the fraction of zeros of Dropout(p=0.5) in train() mode on 1000 values")
    else:
        expect_close(got, own, call="Dropout(p=0.5) in train() mode applied to x, compared with your dropout(x, 0.5)")
    layer.eval()
    expected = own_dropout(student, x, 0.5, training=False)
    expect_close(layer.seeded(SEED)(x), x if expected is None else expected,
                 call="Dropout(p=0.5) after .eval() applied to x",
                 mistakes=[Mistake("forward ignores self.training, so .eval() does not switch dropout off; pass "
                            "training=self.training", own)] if own is not None else [])


@graded("regularized_loss: with lambda1 = lambda2 = 0 it is the criterion alone")
def test_regularized_loss_without_penalties(student):
    seed_everything(SEED)
    model = nn.Linear(3, 1)
    inputs, target = torch.randn(8, 3), torch.randn(8, 1)
    with torch.no_grad():
        output = model(inputs)
    expect_close(student.regularized_loss(output, target, model, nn.MSELoss(), 0.0, 0.0),
                 nn.MSELoss()(output, target), call="regularized_loss(output, target, model, nn.MSELoss(), 0.0, 0.0)")


@graded("regularized_loss: adds lambda1 * L1 + lambda2 * L2 of the tutorial's nn.Linear(20, 20)")
def test_regularized_loss_with_penalties(student):
    model = seed_linear()
    inputs, target = torch.randn(8, 20), torch.randn(8, 20)
    with torch.no_grad():
        output = model(inputs)
    base = nn.MSELoss()(output, target)
    call = "regularized_loss(output, target, nn.Linear(20, 20), nn.MSELoss(), lambda1=0.01, lambda2=0.001)"
    own = []  # on top of your own l1_reg and l2_reg, so a mistake there is not counted twice
    try:
        own_l1, own_l2 = student.l1_reg(model), student.l2_reg(model)
        own = [base + 0.01 * own_l1 + 0.001 * own_l2]
    except (StudentFault, TypeError, RuntimeError):
        pass
    got = student.regularized_loss(output, target, model, nn.MSELoss(), 0.01, 0.001)
    expect_close(got, base + 0.01 * TUTORIAL_L1 + 0.001 * TUTORIAL_L2, call=call, accept=own,
                 mistakes=[Mistake(SWAPPED, base + 0.001 * TUTORIAL_L1 + 0.01 * TUTORIAL_L2)])
