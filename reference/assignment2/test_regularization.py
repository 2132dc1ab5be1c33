"""Hidden tests of assignment2 (regularization): L1/L2 penalties, inverted dropout, the regularized loss.

Each test reads like the exercise text; `student` runs the submission in the
sandbox, `reference` is the solution beside this file.
"""
import functools

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.checks import (Mistake, StudentFault, binomial_interval, call_seeded, describe, describe_call,
                               expect_close, expect_close_or_own, expect_fraction, expect_gradient, expect_in_graph,
                               expect_raises, expect_that, expect_unchanged, graded, matches_own, mismatch, probed_each,
                               probes, results_of, row, seed_everything)

SEED = 2021
SAMPLE = 50_000  # elements per statistical check: bounds within 1% of p, and a 200 kB transfer


def seeded_models():
    """The models the penalties are checked on, each built right after seeding, with how to show it."""
    return list(_seeded_models())


@functools.cache  # a batch checks every submission on the same models; nothing here changes them
def _seeded_models():
    builders = {
        "nn.Linear(5, 3)": lambda: nn.Linear(5, 3),
        "nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))":
            lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)),
        "nn.Conv2d(3, 4, kernel_size=3)": lambda: nn.Conv2d(3, 4, kernel_size=3),
        "nn.Linear(6, 2, bias=False)": lambda: nn.Linear(6, 2, bias=False),
        "nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)) after one training batch":
            lambda: _trained_batchnorm(),
    }
    models = []
    for shown, build in builders.items():
        seed_everything(SEED)
        models.append((shown, build()))
    return tuple(models)


def _trained_batchnorm():
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    with torch.no_grad():  # move BatchNorm's weight and bias off their 1 and 0 so that skipping them shows
        model[1].weight.uniform_(0.5, 1.5)
        model[1].bias.uniform_(-0.5, 0.5)
    return model


FLOAT_RETURNED = ("a Python float was returned (.item() or float()), which cuts the penalty out of the autograd "
                  "graph, so loss + lambda * penalty cannot train the weights; return the tensor")


def l1_mistakes():
    return [
        Mistake("the biases were left out; sum |p| over all of model.parameters(), biases included",
                lambda m: sum(p.abs().sum() for n, p in m.named_parameters() if "bias" not in n)),
        Mistake("a square root was taken; the L1 penalty is the plain sum of |p|",
                lambda m: torch.sqrt(sum(p.abs().sum() for p in m.parameters()))),
        Mistake(FLOAT_RETURNED, lambda m: float(sum(p.abs().sum() for p in m.parameters()).detach())),
    ]


def l2_mistakes():
    return [
        Mistake("the biases were left out; sum p**2 over all of model.parameters(), biases included",
                lambda m: sum((p ** 2).sum() for n, p in m.named_parameters() if "bias" not in n)),
        Mistake("a square root was taken (the Frobenius norm); the L2 penalty is the sum of p**2 with no root",
                lambda m: torch.sqrt(sum((p ** 2).sum() for p in m.parameters()))),
        Mistake(FLOAT_RETURNED, lambda m: float(sum((p ** 2).sum() for p in m.parameters()).detach())),
        Mistake("the result is half the sum of p**2 (a 1/2 in front, as in some weight-decay derivations); this L2 "
                "penalty has no 1/2", lambda m: 0.5 * sum((p ** 2).sum() for p in m.parameters())),
        Mistake("the result is the norm of the weights alone (the square root of their sum of squares, biases left "
                "out); the L2 penalty is the sum of p**2 over every parameter, with no root",
                lambda m: torch.sqrt(sum((p ** 2).sum() for n, p in m.named_parameters() if "bias" not in n))),
        Mistake("the result adds the norms of the parameter tensors (sum of p.norm()); the L2 penalty adds their "
                "squares, the sum of p**2", lambda m: sum(p.norm() for p in m.parameters())),
    ]


PENALTIES = {  # name -> (its known mistakes, its gradient as a function of one parameter, as the exercise says)
    "l1_reg": (l1_mistakes, lambda w: abs(w).sum(), "sign(w)"),
    "l2_reg": (l2_mistakes, lambda w: (w ** 2).sum(), "2w"),
}


# ---------------------------------------------------------------------------------------------- l1_reg, l2_reg

MODELS_SHOWN = "Linear, Sequential with ReLU, Conv2d, no biases, BatchNorm"


@pytest.mark.parametrize("name", [
    row("l1_reg", name=f"l1_reg: matches the reference on seeded models ({MODELS_SHOWN})", points=3),
    row("l2_reg", name=f"l2_reg: matches the reference on seeded models ({MODELS_SHOWN})", points=3),
])
def test_penalty_matches_reference(student, reference, name):
    mistakes = PENALTIES[name][0]()
    models = seeded_models()
    results = results_of(student, getattr(student, name), [(model,) for _, model in models],
                         label=f"{name} on {len(models)} seeded models")
    for (shown, model), got in zip(models, results):
        expected = getattr(reference, name)(model)
        if mismatch(got, expected) is not None:
            expect_close(got, expected, call=f"{name}({shown})",
                         mistakes=[Mistake(m.message, call_seeded(m.variant, (model,), copy_arguments=True))
                                   for m in mistakes])


@pytest.mark.parametrize("name", [
    row("l1_reg", name="l1_reg: returns a 0-dim tensor that stays in the autograd graph", points=2),
    row("l2_reg", name="l2_reg: returns a 0-dim tensor that stays in the autograd graph", points=2),
])
def test_penalty_in_graph(student, name):
    for shown, model in seeded_models()[:2]:
        got = getattr(student, name)(model)
        call = f"{name}({shown})"
        expect_that(not isinstance(got, (float, int)),
                    f"{call} returned a Python {type(got).__name__}; expected a 0-dim torch.Tensor.",
                    mistake=FLOAT_RETURNED)
        expect_that(isinstance(got, torch.Tensor), f"{call} returned {describe(got)}; expected a 0-dim torch.Tensor.")
        expect_that(got.dim() == 0, f"{call} returned a tensor of shape {tuple(got.shape)}; expected a 0-dim tensor "
                                    f"(a single number: sum over every parameter and every element).")
        expect_in_graph(got, call=call, inputs="the model's parameters")


@pytest.mark.parametrize("name", [
    row("l1_reg", name="l1_reg: its gradient with respect to every parameter is sign(w)", points=2),
    row("l2_reg", name="l2_reg: its gradient with respect to every parameter is 2w", points=2),
])
def test_penalty_gradient(student, name):
    _, penalty, formula = PENALTIES[name]
    models = seeded_models()
    answers = probed_each(student, probes.backward, getattr(student, name), [(model,) for _, model in models],
                          label=f"{name} on {len(models)} seeded models, then backward()",
                          labels=[f"{name}({shown})" for shown, _ in models])
    for (shown, model), answer in zip(models, answers):
        expect_that(answer["gradients"] is not None,
                    f"{name}({shown}) returned a value without a gradient; it must stay in the autograd graph.")
        for (parameter_name, parameter), gradient in zip(model.named_parameters(), answer["gradients"]):
            call = f"the gradient of {name}({shown}) with respect to {parameter_name}"
            expect_that(gradient is not None, f"{call} is missing: that parameter is not part of the penalty.")
            expect_gradient(gradient, penalty, parameter.detach().double().numpy(),
                            call=f"{call} (expected {formula})")


# ---------------------------------------------------------------------------------------------- dropout

def positive_input(shape=(SAMPLE,), dtype=torch.float32, seed=7):
    """Values in [0.5, 1.5): never zero, so a zero in the output always means 'dropped'."""
    return _positive_input(shape, dtype, seed).clone()


@functools.lru_cache(maxsize=None)  # a batch grades every submission on the same inputs
def _positive_input(shape, dtype, seed):
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=generator, dtype=torch.float64) + 0.5).to(dtype)


IN_PLACE = ("x was modified in place (an operation ending in _ such as mul_, or an assignment into x[...]); compute a "
            "new tensor instead")
KEEPS_WITH_P = "the mask keeps each element with probability p instead of dropping it with probability p"
NOT_RESCALED = "the survivors were not scaled by 1/(1-p), so the expected activation shrinks to (1-p)*x"


@graded("dropout: zeroes a fraction p of the elements for p = 0.1, 0.5 and 0.8", points=3)
def test_dropout_zero_fraction(student):
    x = positive_input()
    for p in (0.1, 0.5, 0.8):
        out = student.dropout.seeded(SEED)(x, p)
        _expect_tensor_like(out, x, describe_call("dropout", (x, p)))
        expect_fraction(int((out == 0).sum()), x.numel(), p, what=f"the fraction of zeros in dropout(x, p={p})",
                        alternatives=[Mistake(KEEPS_WITH_P, 1 - p)] if p != 0.5 else [])


@graded("dropout: scales the surviving elements by 1/(1-p)", points=3)
def test_dropout_scales_survivors(student):
    x = positive_input()
    for p in (0.2, 0.6):
        out = student.dropout.seeded(SEED)(x, p)
        call = describe_call("dropout", (x, p))
        _expect_tensor_like(out, x, call)
        kept = out != 0
        expect_that(bool(kept.any()), f"{call} returned all zeros; expected about {1 - p:.0%} of x to survive.")
        expect_close(out[kept], x[kept] / (1 - p), call=f"the surviving elements of {call}",
                     mistakes=[Mistake(NOT_RESCALED, x[kept])])


@graded("dropout: preserves the mean activation in expectation", points=2)
def test_dropout_preserves_mean(student):
    p, level = 0.3, 3.0
    x = torch.full((SAMPLE,), level)
    out = student.dropout.seeded(SEED)(x, p)
    call = f"dropout(torch.full(({SAMPLE},), {level}), p={p})"
    _expect_tensor_like(out, x, call)
    expect_that(bool((out == 0).any()), f"{call} dropped nothing; expected about {p:.0%} of the elements zeroed "
                                        f"with the survivors scaled up so that the mean stays {level:g}.")
    low, high = binomial_interval(SAMPLE, 1 - p)
    mean, lowest, highest = (float(out.double().mean()), level * low / ((1 - p) * SAMPLE),
                             level * high / ((1 - p) * SAMPLE))
    expect_that(lowest <= mean <= highest,
                f"the mean of {call} is {mean:.5g}; expected {level:g} (between {lowest:.5g} and {highest:.5g}, "
                f"a range a correct implementation leaves less than once in a million runs).",
                mistake=NOT_RESCALED if abs(mean - level * (1 - p)) < 0.02 * level else None)


@graded("dropout: training=False returns x unchanged", points=2, core=False)
def test_dropout_not_training(student):
    x = positive_input((64, 32))
    out = student.dropout(x, 0.5, training=False)
    call = describe_call("dropout", (x, 0.5), {"training": False})
    _expect_tensor_like(out, x, call)
    dropped = float((out == 0).double().mean())
    expect_close(out, x, call=call, mistakes=[
        Mistake("dropout is still active when training=False; at evaluation time it must return x as it is", out)
    ] if dropped > 0.3 else [])


@graded("dropout: p=0 returns x unchanged and p=1 returns zeros", points=2, core=False)
def test_dropout_edge_probabilities(student):
    x = positive_input((64, 32))
    expect_close(student.dropout(x, 0.0), x, call=describe_call("dropout", (x, 0.0)))
    expect_close(student.dropout(x, 1.0), torch.zeros_like(x), call=describe_call("dropout", (x, 1.0)),
                 mistakes=[Mistake("x * mask / (1 - p) divides by zero at p = 1; return zeros for p == 1",
                            torch.full_like(x, float("nan")))])


@graded("dropout: raises ValueError for p outside [0, 1]", points=1, core=False)
def test_dropout_rejects_bad_probability(student):
    x = positive_input((8,))
    for p in (-0.1, 1.5):
        expect_raises(ValueError, student.dropout, x, p)


@graded("dropout: does not modify x in place", points=2, core=False)
def test_dropout_not_in_place(student):
    expect_unchanged(student, student.dropout, positive_input((64, 32)), 0.5, names=("x",), seed=SEED,
                     mistake=IN_PLACE)


@graded("dropout: two calls draw different masks", points=2, core=False)
def test_dropout_fresh_masks(student):
    x = positive_input((64, 32))
    first, second = student.dropout(x, 0.5), student.dropout(x, 0.5)
    call = describe_call("dropout", (x, 0.5))
    _expect_tensor_like(first, x, call)
    expect_that(not torch.equal(first == 0, second == 0),
                f"two calls of {call} dropped exactly the same elements; expected fresh random masks.",
                mistake="the random generator is re-seeded inside dropout (torch.manual_seed, np.random.seed or a "
                        "fixed torch.Generator), so every call draws the same mask")


@graded("dropout: its gradient is mask/(1-p)", points=2)
def test_dropout_gradient(student):
    p = 0.4
    x = positive_input((256, 16)).requires_grad_()
    call = f"dropout(x, p={p})"  # the sentences below speak of x
    answer = student.run(probes.backward, student.dropout, x, p, seed=SEED, label=describe_call("dropout", (x, p)))
    expect_that(answer["gradients"] is not None,
                f"{call} returned a result autograd cannot trace back to x; build it from x with tensor operations "
                f"(no .detach(), .numpy() or torch.tensor(...)).")
    out, (gradient,) = answer["value"], answer["gradients"]
    expect_that(isinstance(out, torch.Tensor) and bool((out != 0).any()),
                f"{call} returned {describe(out)}; expected about {1 - p:.0%} of x to survive, with a gradient of "
                f"1/(1-p) = {1 / (1 - p):.4g} for them.")
    mask = (out.detach() != 0).to(x.dtype)
    expect_close(gradient, mask / (1 - p), call=f"the gradient of {call}.sum() with respect to x",
                 mistakes=[Mistake(NOT_RESCALED, mask)])


@graded("dropout: drops and rescales tensors of any shape, float32 and float64", points=1)
def test_dropout_any_shape(student):
    inputs = [positive_input(shape, dtype) for shape in ((7,), (5, 9), (2, 3, 4, 5))
              for dtype in (torch.float32, torch.float64)]
    results = results_of(student, student.dropout, [(x, 0.25) for x in inputs], seed=SEED,
                         label=f"dropout(x, 0.25) on {len(inputs)} tensors of several shapes and dtypes")
    for x, out in zip(inputs, results):
        call = describe_call("dropout", (x, 0.25))
        _expect_tensor_like(out, x, call)
        kept = out != 0
        if x.numel() >= 100:  # a correct dropout keeps none of 100 elements with probability 0.25**100
            expect_that(bool(kept.any()), f"{call} returned all zeros; expected about 75% of x to survive.")
        expect_close(out[kept], x[kept] / 0.75, call=f"the surviving elements of {call}",
                     mistakes=[Mistake(NOT_RESCALED, x[kept])])


def _expect_tensor_like(out, x, call):
    """A tensor shaped like x; its dtype is one convention, checked by one public test alone."""
    expect_that(isinstance(out, torch.Tensor), f"{call} returned {describe(out)}; expected a torch.Tensor.")
    expect_that(out.shape == x.shape, f"{call} returned shape {tuple(out.shape)}; expected {tuple(x.shape)}, "
                                      f"the shape of x.")


# ---------------------------------------------------------------------------------------------- Dropout
# Dropout's job is to call dropout with self.p and self.training: judged first by the student's own dropout under
# the same seed, a mistake in dropout does not cost Dropout's points too, while a dropout that does nothing in
# training (returns x) lends Dropout none.

@graded("Dropout: in train() mode gives what your dropout(x, self.p) gives, a fraction p dropped and the rest "
        "rescaled", points=2)
def test_dropout_module_train(student):
    x = positive_input()
    for p in (0.5, 0.2):
        layer = student.Dropout(p=p)
        layer.train()
        out = layer.seeded(SEED)(x)
        call = f"Dropout(p={p}) in train() mode applied to x"
        _expect_tensor_like(out, x, call)
        if matches_own(out, own_dropout(student, x, p, training=True), idle=x):
            continue
        expect_fraction(int((out == 0).sum()), x.numel(), p, what=f"the fraction of zeros of {call}")
        kept = out != 0
        expect_close(out[kept], x[kept] / (1 - p), call=f"the surviving elements of {call}",
                     mistakes=[Mistake(NOT_RESCALED, x[kept])])


@graded("Dropout: after eval() gives what your dropout(x, self.p, training=False) gives, x itself", points=2,
        core=False)
def test_dropout_module_eval(student):
    x = positive_input((64, 32))
    layer = student.Dropout(p=0.5)
    layer.eval()
    out = layer.seeded(SEED)(x)
    call = "Dropout(p=0.5) after .eval() applied to x"
    _expect_tensor_like(out, x, call)
    expect_close_or_own(out, x, call=call, own=own_dropout(student, x, 0.5, training=False), mistakes=[Mistake(
        "forward ignores self.training, so .eval() does not switch dropout off; pass training=self.training", out)
    ] if float((out == 0).double().mean()) > 0.3 else [])


@graded("Dropout: works inside nn.Sequential, on in train() and off in eval()", points=2)
def test_dropout_module_in_sequential(student):
    seed_everything(SEED)
    linear = nn.Linear(16, 16)
    x = positive_input((512, 16))
    with torch.no_grad():
        hidden = linear(x)
    shown = "nn.Sequential(nn.Linear(16, 16), Dropout(p=0.5))"
    layer = student.Dropout(p=0.5)
    expect_that(student.run(probes.isinstance_of, layer, nn.Module, label="isinstance(Dropout(p=0.5), nn.Module)"),
                "Dropout(p=0.5) is not an nn.Module; write `class Dropout(nn.Module)` and call super().__init__().")
    model = student.run(nn.Sequential, linear, layer, label=shown)
    model.eval()
    out = model.seeded(SEED)(x)
    expect_close_or_own(out, hidden, call=f"{shown} after .eval()",
                        own=own_dropout(student, hidden, 0.5, training=False))
    model.train()
    out = model.seeded(SEED)(x)
    if not matches_own(out, own_dropout(student, hidden, 0.5, training=True), idle=hidden):
        expect_fraction(int((out == 0).sum()), out.numel(), 0.5,
                        what=f"the fraction of zeros of {shown} after .train()")


def own_dropout(student, x, p, training):
    """The student's own dropout(x, p, training=training) under Dropout's seed, to look up and call when needed."""
    return lambda: student.dropout.seeded(SEED)(x, p, training=training)


# ---------------------------------------------------------------------------------------------- regularized_loss

LAMBDAS = ((0.0, 0.0), (0.01, 0.0), (0.0, 0.001), (0.01, 0.001), (0.5, 0.2))
SWAPPED = "lambda1 and lambda2 are swapped; lambda1 weighs the L1 penalty and lambda2 the L2 penalty"


def regression_problem():
    """A seeded model, batch and criterion for the regularized loss."""
    seed_everything(SEED)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
    inputs, target = torch.randn(16, 3), torch.randn(16, 1)
    return model, inputs, target


def own_penalties(student, reference, model):
    """The student's own L1 and L2 values, so a mistake there does not cost regularized_loss its points too."""
    values = []
    for name in ("l1_reg", "l2_reg"):
        try:
            value = getattr(student, name)(model)
        except StudentFault:
            value = None
        values.append(value if isinstance(value, (torch.Tensor, float, int)) else getattr(reference, name)(model))
    return values


@graded("regularized_loss: equals criterion + lambda1 * L1 + lambda2 * L2 for several lambdas", points=3)
def test_regularized_loss_value(student, reference):
    model, inputs, target = regression_problem()
    with torch.no_grad():
        output = model(inputs)
    l1, l2 = own_penalties(student, reference, model)
    cases = [(criterion, shown, lambda1, lambda2) for criterion, shown in ((F.mse_loss, "F.mse_loss"),
                                                                           (nn.L1Loss(), "nn.L1Loss()"))
             for lambda1, lambda2 in LAMBDAS]
    calls = [(output, target, model, criterion, lambda1, lambda2) for criterion, _, lambda1, lambda2 in cases]
    results = results_of(student, student.regularized_loss, calls,
                         label=f"regularized_loss(output, target, model, criterion, lambda1, lambda2) for "
                               f"{len(cases)} criteria and lambdas")
    for (criterion, shown, lambda1, lambda2), got in zip(cases, results):
        call = f"regularized_loss(output, target, model, {shown}, lambda1={lambda1}, lambda2={lambda2})"
        base = criterion(output, target)
        expected = reference.regularized_loss(output, target, model, criterion, lambda1, lambda2)
        expect_close(got, expected.detach(), call=call, accept=[base + lambda1 * l1 + lambda2 * l2],
                     mistakes=[Mistake(SWAPPED, (base + lambda2 * reference.l1_reg(model)
                                          + lambda1 * reference.l2_reg(model)).detach())])


@graded("regularized_loss: one SGD step on a seeded model matches the reference step", points=3)
def test_regularized_loss_sgd_step(student, reference):
    lr, lambda1, lambda2 = 0.1, 0.01, 0.005
    model, inputs, target = regression_problem()
    got = student.run(probes.sgd_step, model, inputs, lr, student.regularized_loss, target, model, F.mse_loss,
                      lambda1, lambda2, label="one SGD step on regularized_loss(output, target, model, F.mse_loss, "
                                              "lambda1=0.01, lambda2=0.005)")
    own_step = _step_with_own_penalties(student, lr, lambda1, lambda2)
    expect_close(got["parameters"], _sgd_step(reference.regularized_loss, lr, lambda1, lambda2),
                 call="one SGD step (lr=0.1) on regularized_loss(output, target, model, F.mse_loss, lambda1=0.01, "
                      "lambda2=0.005), as new parameters,", accept=[own_step] if own_step else [],
                 mistakes=[Mistake(SWAPPED, _sgd_step(reference.regularized_loss, lr, lambda2, lambda1))])


def _sgd_step(loss_function, lr, lambda1, lambda2):
    model, inputs, target = regression_problem()
    return probes.sgd_step(model, inputs, lr, loss_function, target, model, F.mse_loss, lambda1, lambda2)["parameters"]


def _step_with_own_penalties(student, lr, lambda1, lambda2):
    """The step a correct regularized_loss takes on top of the student's own l1_reg and l2_reg."""
    model, inputs, target = regression_problem()
    parameters = list(model.parameters())
    gradients = torch.autograd.grad(F.mse_loss(model(inputs), target), parameters)
    try:  # a penalty outside the graph (a float) adds no gradient: that is the student's l1_reg's fault, not this one's
        own = [student.run(probes.backward, getattr(student, name), model)["gradients"] or [None] * len(parameters)
               for name in ("l1_reg", "l2_reg")]
    except StudentFault:
        return None
    return [p.detach() - lr * (g + lambda1 * _or_zero(g1, p) + lambda2 * _or_zero(g2, p))
            for p, g, g1, g2 in zip(parameters, gradients, *own)]


def _or_zero(gradient, parameter):
    return torch.zeros_like(parameter) if gradient is None else gradient


@graded("regularized_loss: is differentiable: loss.backward() reaches every parameter", points=2)
def test_regularized_loss_differentiable(student):
    model, inputs, target = regression_problem()
    with torch.no_grad():
        output = model(inputs)
    answer = student.run(probes.backward, student.regularized_loss, output.requires_grad_(), target, model,
                         F.mse_loss, 0.01, 0.001,
                         label="regularized_loss(output, target, model, F.mse_loss, lambda1=0.01, lambda2=0.001)")
    expect_that(answer["gradients"] is not None,
                "regularized_loss(...) returned a value autograd cannot differentiate; return the tensor sum, "
                "not a float.")
    missing = [name for (name, _), g in zip(model.named_parameters(), answer["gradients"][1:]) if g is None]
    expect_that(not missing, f"after regularized_loss(...).backward() these parameters have no gradient: "
                             f"{', '.join(missing)}; both penalties must be computed from the model's parameters.")
