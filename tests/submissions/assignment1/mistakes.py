"""Named mistakes for assignment 1, each a wrong definition of one graded name.

Instructor-only fixture data for the project's tests. Every `Mistake.source` is
the reference solution's definition of `Mistake.function` (a function or a class)
with exactly one error in it, marked `# MISTAKE:`: `edited` cuts the definition
out of the reference and swaps one snippet, so the mistakes follow the reference
as it changes. `submissions.mutations.with_mistakes` splices chosen mistakes into
the reference source.
"""
import ast
import re
from pathlib import Path

from submissions.mutations import Mistake

REFERENCE = Path(__file__).resolve().parents[3] / "reference" / "assignment1" / "narrow_lnn.py"


PROMPT = re.compile(r"(?m)^[ \t]*# BEGIN PROMPT\n(?:.*\n)*?[ \t]*# END PROMPT\n")


def edited(name: str, old: str, new: str) -> Mistake:
    """The reference's top-level definition `name` with the one snippet `old` replaced by `new`.

    The students' prompts in it (inert comments) are left out, so a snippet is found in the solution alone.
    """
    source = REFERENCE.read_text()
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    definition = PROMPT.sub("", "".join(source.splitlines(keepends=True)[node.lineno - 1:node.end_lineno]))
    if definition.count(old) != 1:
        raise ValueError(f"{name} in {REFERENCE.name} holds {definition.count(old)} copies of {old!r}; expected 1")
    return Mistake(function=name, source=definition.replace(old, new))


MISTAKES = {
    "loss_sum": edited(
        "loss", "mse = ((y_true - y_prediction) ** 2).mean()",
        "mse = ((y_true - y_prediction) ** 2).sum()  # MISTAKE: the sum, not the mean"),
    "loss_no_shape_check": edited(
        "loss", "    if y_prediction.shape != y_true.shape:\n        raise ValueError",
        "    if False:  # MISTAKE: mismatched shapes are broadcast instead of rejected\n        raise ValueError"),
    "ShallowNarrowExercise_lists_only": edited(
        "ShallowNarrowExercise", "assert isinstance(init_weights, (list, np.ndarray, tuple))",
        "assert isinstance(init_weights, list)  # MISTAKE: a tuple or an array of weights is refused"),
    "ShallowNarrowExercise_dloss_sign_flipped": edited(
        "ShallowNarrowExercise", "dloss_dw1 = - (2 * self.w2 * x * error).mean()\n        "
                                 "dloss_dw2 = - (2 * self.w1 * x * error).mean()",
        "dloss_dw1 = (2 * self.w2 * x * error).mean()  # MISTAKE: both signs flipped\n        "
        "dloss_dw2 = (2 * self.w1 * x * error).mean()"),
    "ShallowNarrowExercise_dloss_factor_2_missing": edited(
        "ShallowNarrowExercise", "dloss_dw1 = - (2 * self.w2 * x * error).mean()\n        "
                                 "dloss_dw2 = - (2 * self.w1 * x * error).mean()",
        "dloss_dw1 = - (self.w2 * x * error).mean()  # MISTAKE: the 2 of the square is lost\n        "
        "dloss_dw2 = - (self.w1 * x * error).mean()"),
    "ShallowNarrowExercise_train_sequential_update": edited(
        "ShallowNarrowExercise", "dloss_dw1, dloss_dw2 = self.dloss_dw(x, y_true)\n"
                                 "            self.w1 -= lr * dloss_dw1\n",
        "dloss_dw1, _ = self.dloss_dw(x, y_true)\n            self.w1 -= lr * dloss_dw1\n"
        "            _, dloss_dw2 = self.dloss_dw(x, y_true)  # MISTAKE: w2's gradient after w1 moved\n"),
    "ShallowNarrowExercise_train_loss_after_update": edited(
        "ShallowNarrowExercise", "weight_records[i] = [self.w1, self.w2]",
        "weight_records[i] = [self.w1, self.w2]\n"
        "            loss_records[i] = loss(self.forward(x), y_true)  # MISTAKE: recorded after the update"),
    "ShallowNarrowExercise_train_gradient_ascent": edited(
        "ShallowNarrowExercise", "self.w1 -= lr * dloss_dw1\n            self.w2 -= lr * dloss_dw2",
        "self.w1 += lr * dloss_dw1  # MISTAKE: up the gradient\n            self.w2 += lr * dloss_dw2"),
    "DeepNarrowLNN_loss_without_half": edited(
        "DeepNarrowLNN", "mse = ((y_t - y_p) ** 2 / 2).mean()",
        "mse = ((y_t - y_p) ** 2).mean()  # MISTAKE: the 1/2 is dropped"),
    "DeepNarrowLNN_dloss_all_weights": edited(
        "DeepNarrowLNN", "Wp = (before * after).reshape(self.W.shape)",
        "Wp = np.full(self.W.shape, np.prod(weights))  # MISTAKE: W_i is included"),
    "DeepNarrowLNN_train_no_stop": edited(
        "DeepNarrowLNN", "if np.isnan(dloss_dw).any() or np.isinf(dloss_dw).any():",
        "if False:  # MISTAKE: goes on after the gradient overflowed"),
    "DeepNarrowLNN_train_records_not_nan": edited(
        "DeepNarrowLNN", "loss_records[:] = np.nan",
        "loss_records[:] = 0.0  # MISTAKE: the records after a stop read 0, not NaN"),
    "DeepNarrowLNN_train_loss_after_update": edited(
        "DeepNarrowLNN", "            self.W -= eta * dloss_dw\n",
        "            self.W -= eta * dloss_dw\n"
        "            loss_records[i] = self.loss(y_t, self.forward(x))  # MISTAKE: recorded after the update\n"),
}
