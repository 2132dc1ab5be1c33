"""assignment1 graded end to end: other correct routes, each named mistake.

What every assignment must satisfy (reference at full marks, stub at zero...) is in test_course.py.
"""
import pytest

from autograder.report import PASSED
from conftest import PROJECT, TEST_TIMEOUT
from submissions.assignment1.mistakes import MISTAKES, edited
from submissions.mutations import Mistake, with_mistakes

REFERENCE_SOURCE = (PROJECT / "reference" / "assignment1" / "narrow_lnn.py").read_text()

# What each named mistake's failure sentence must say, and the only tests it may fail (fragments of their names).
DIAGNOSES = {
    "loss_sum": ("the squared errors were summed", ("loss: is the mean", "loss: the mean squared error of")),
    "loss_no_shape_check": ("the shapes were not compared", ("loss: rejects",)),
    "ShallowNarrowExercise_lists_only": ("raised AssertionError", ("accepts init_weights",)),
    "ShallowNarrowExercise_dloss_sign_flipped": ("sign is flipped", ("dloss_dw",)),
    "ShallowNarrowExercise_dloss_factor_2_missing": ("the factor 2 is missing", ("dloss_dw",)),
    "ShallowNarrowExercise_train_sequential_update": ("updated one after the other",
                                                      ("train reproduces", "train runs", "steps down")),
    "ShallowNarrowExercise_train_loss_after_update": ("recorded after the update",
                                                      ("train records", "train runs")),
    "ShallowNarrowExercise_train_gradient_ascent": ("moved up the gradient",
                                                    ("train reproduces", "train runs", "steps down")),
    "DeepNarrowLNN_loss_without_half": ("the 1/2 is missing", ("loss(y_t, y_p)", "forward, loss and dloss_dw")),
    "DeepNarrowLNN_dloss_all_weights": ("multiplies all the weights", ("dloss_dw",)),
    "DeepNarrowLNN_train_no_stop": ("went on after the gradient held inf or NaN", ("train stops",)),
    "DeepNarrowLNN_train_records_not_nan": ("records after the stop are not NaN", ("train stops",)),
    "DeepNarrowLNN_train_loss_after_update": ("recorded after the update", ("train records", "train stops")),
}

# Other correct implementations the contract accepts: each must score full marks.
ALTERNATIVES = {
    "loss_asserts": Mistake(function="loss", source='''\
def loss(y_prediction, y_true):
    assert y_prediction.shape == y_true.shape
    return np.mean((y_prediction - y_true) ** 2)
'''),
    "ShallowNarrowExercise_loops_and_lists": Mistake(function="ShallowNarrowExercise", source='''\
class ShallowNarrowExercise:
    def __init__(self, init_weights):
        self.w1, self.w2 = init_weights

    def forward(self, x):
        return self.w1 * self.w2 * x

    def dloss_dw(self, x, y_true):
        total1 = total2 = 0.0
        for x_i, y_i in zip(x, y_true):
            error = y_i - self.w1 * self.w2 * x_i
            total1 += -2 * error * x_i * self.w2
            total2 += -2 * error * x_i * self.w1
        return total1 / len(x), total2 / len(x)

    def train(self, x, y_true, lr, n_ep):
        loss_records, weight_records = [], []
        for _ in range(n_ep):
            loss_records.append(loss(self.forward(x), y_true))
            gradient = self.dloss_dw(x, y_true)
            self.w1, self.w2 = self.w1 - lr * gradient[0], self.w2 - lr * gradient[1]
            weight_records.append([self.w1, self.w2])
        return loss_records, weight_records
'''),
    "DeepNarrowLNN_seed_route": edited(
        "DeepNarrowLNN", "Wp = (before * after).reshape(self.W.shape)", "Wp = np.prod(self.W) / (self.W + 1e-9)"),
    "DeepNarrowLNN_division_and_loops": Mistake(function="DeepNarrowLNN", source='''\
class DeepNarrowLNN:
    def __init__(self, init_ws):
        self.W = np.array(init_ws, dtype=float).reshape(1, -1)

    def forward(self, x):
        product = 1.0
        for w in self.W[0]:
            product *= w
        return product * x

    def loss(self, y_t, y_p):
        return 0.5 * np.sum((y_p - y_t) ** 2) / y_t.size

    def dloss_dw(self, x, y_t, y_p):
        return -np.mean(x * (y_t - y_p)) * np.prod(self.W) / self.W

    def train(self, x, y_t, eta, n_epochs):
        loss_records = np.full(n_epochs, np.nan)
        for i in range(n_epochs):
            y_p = self.forward(x)
            loss_records[i] = self.loss(y_t, y_p)
            gradient = self.dloss_dw(x, y_t, y_p)
            if not np.isfinite(gradient).all():
                break
            self.W = self.W - eta * gradient
        return loss_records
'''),
}


@pytest.fixture
def grade1(grade_as):
    return lambda submission, timeout=TEST_TIMEOUT: grade_as("assignment1", submission, timeout)


def failing(report) -> list:
    return [r for r in report.results if r.status != PASSED]


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_other_correct_routes_score_full_marks(grade1, name):
    report = grade1(with_mistakes(REFERENCE_SOURCE, [ALTERNATIVES[name]]))
    assert [r.feedback for r in failing(report)] == []


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_costs_only_its_own_tests_and_is_named(grade1, name):
    mistake = MISTAKES[name]
    diagnosis, allowed = DIAGNOSES[name]
    report = grade1(with_mistakes(REFERENCE_SOURCE, [mistake]))
    lost = failing(report)
    assert {r.function for r in lost} == {mistake.function}
    assert [r.name for r in lost if not any(fragment in r.name for fragment in allowed)] == []
    feedback = " ".join(r.feedback for r in lost)
    assert diagnosis in feedback, feedback
