"""The plots grading draws for feedback.html, from real submissions in the sandbox: each shows the student's own
numbers beside the reference's (or what can be computed without it), read back from the drawn figures; a
known mistake is visible in them; they are drawn only where they help and never change a score; a submission
cannot use them to hang the grader or to put markup on the page.
"""
import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from autograder.assignments import COURSE_VARIABLE, load_assignment
from autograder.checks.plots import NOT_FINITE_FROM, REFERENCE_ABSENT
from autograder.grading import TestSuite, grade
from autograder.plotdata import EXPECTED, PLOTS_ALL, PLOTS_FAILING, PLOTS_NONE, REFERENCE, STUDENT, Plot, line
from autograder.report import PASSED
from autograder.report import html as feedback_page
from autograder.report import plots as drawing
from autograder.sandbox.plot_probes import SURFACES
from cli import grade as grade_command
from conftest import PROJECT, SUBMISSIONS, TEST_TIMEOUT
from submissions.assignment1.mistakes import MISTAKES as MISTAKES1
from submissions.assignment2.mistakes import MISTAKES as MISTAKES2
from submissions.assignment3.mistakes import MISTAKES as MISTAKES3
from submissions.assignment4.mistakes import MISTAKES as MISTAKES4
from submissions.mutations import Mistake, with_mistakes
from test_feedback_html import assert_shows, embedded_pngs, plotted, strict

# What plots.py declares for each assignment: (function, plots drawn for it) with `--plots all`.
DECLARED = {
    "assignment1": {"loss": 1, "ShallowNarrowExercise": 2, "DeepNarrowLNN": 2},
    "assignment2": {"l1_reg": 1, "l2_reg": 1, "dropout": 2, "Dropout": 1, "regularized_loss": 1},
    "assignment3": {name: 2 for name in ("sgd_step", "momentum_step", "adagrad_step", "rmsprop_step", "adam_step")},
    "assignment4": {"train_test_split": 2, "train_dev_test_split": 2, "kfold_indices": 2},
}
HANGS_AT_09 = Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    if p == 0.9:  # no test asks for 0.9; a plot does
        while True:
            pass
    if not 0 <= p <= 1:
        raise ValueError("p must lie in [0, 1]")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    return x * (torch.rand_like(x) >= p) / (1 - p)
''')
RAISES_MARKUP = Mistake(function="dropout", source='''\
def dropout(x, p, training=True):
    raise ValueError("<script>alert('plot')</script><img src=x onerror=alert(1)>")
''')


def source(name: str, *mistakes) -> str:
    assignment = load_assignment(name, PROJECT)
    return with_mistakes((assignment.reference_dir / f"{assignment.module}.py").read_text(), mistakes)


@pytest.fixture
def graded_with(course, sandbox, tmp_path):
    """Grade source text to an assignment with plots drawn as `plots` says."""
    suites = {}

    def run(name: str, text: str, plots: str = PLOTS_FAILING, include_hidden: bool = True):
        assignment = load_assignment(name, course)
        path = tmp_path / f"{assignment.module}.py"
        path.write_text(text)
        suite = suites.setdefault((name, include_hidden), TestSuite(assignment, include_hidden))
        return grade(assignment, path, sandbox=sandbox, suite=suite, timeout=TEST_TIMEOUT, plots=plots)
    return run


def by_title(report, words: str):
    found = [plot for plot in report.plots if words in plot.title]
    assert len(found) == 1, [plot.title for plot in report.plots]
    return found[0]


def series(plot, label_start: str):
    found = [s for s in plot.series if s.label.startswith(label_start)]
    assert len(found) == 1, [s.label for s in plot.series]
    return found[0]


# ------------------------------------------------------------------------------------------ every plot


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_the_reference_gets_every_declared_plot_each_showing_its_numbers(graded_with, name):
    report = graded_with(name, source(name), plots=PLOTS_ALL)
    assert report.all_passed
    assert {function: sum(plot.function == function for plot in report.plots) for function in DECLARED[name]} \
        == DECLARED[name]
    assert [(plot.title, plot.problem) for plot in report.plots if not plot.drawn] == []
    for plot in report.plots:
        assert_shows(plot, drawing.figure(plot))
        assert {s.role for s in plot.series} & {REFERENCE, EXPECTED}, plot.title  # always something to compare
        assert plot.note.find("not here") == -1  # the reference is here: nothing is shown without it
    page = strict(feedback_page.render(report))
    assert len(embedded_pngs(page)) == len(report.plots)


def test_a_correct_run_lies_on_the_reference_everywhere(graded_with):
    compared = []
    for name in ("assignment1", "assignment2"):
        for plot in graded_with(name, source(name), plots=PLOTS_ALL).plots:
            for yours in (s for s in plot.series if s.role == STUDENT):
                for reference in (s for s in plot.series if s.role == REFERENCE and s.group == yours.group):
                    # the same numbers, NaN where the reference's run stops too
                    np.testing.assert_allclose(yours.y, reference.y, rtol=1e-6, equal_nan=True, err_msg=plot.title)
                    compared.append(plot.title)
    assert len(compared) == 9  # loss, records, weights, 2 deep runs; 2 penalties, 2 regularized_loss curves


def test_a_correct_optimizer_follows_torch_and_torch_is_torch(graded_with):
    report = graded_with("assignment3", source("assignment3"), plots=PLOTS_ALL)
    adam = by_title(report, "adam_step: 100 steps on the Rosenbrock")
    theta = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=0.1)
    expected = [theta.detach().numpy().copy()]
    for _ in range(100):
        theta.grad = torch.from_numpy(SURFACES["rosenbrock"].gradient(theta.detach().numpy()))
        optimizer.step()
        expected.append(theta.detach().numpy().copy())
    drawn = plotted(drawing.figure(adam))
    np.testing.assert_allclose(drawn["torch.optim.Adam"]["xy"], expected, rtol=1e-6)
    np.testing.assert_allclose(drawn["your adam_step"]["xy"], expected, rtol=1e-6)
    for plot in report.plots:
        np.testing.assert_allclose(plot.series[0].y, plot.series[1].y, rtol=1e-6, atol=1e-9, err_msg=plot.title)


# ------------------------------------------------------------------------------------------ mistakes in sight


def test_survivors_left_unscaled_stay_where_x_is(graded_with):
    report = graded_with("assignment2", source("assignment2", MISTAKES2["dropout_no_rescale"]))
    drawn = plotted(drawing.figure(by_title(report, "values of the survivors")))
    yours, expected = drawn["your survivors"], drawn["expected: x / (1 - p), for a fraction 1 - p of x"]
    centers = (yours["edges"][:-1] + yours["edges"][1:]) / 2
    assert yours["counts"][(centers > 1) & (centers < 2)].sum() > 9000  # about half of 20000 survive, in [1, 2)
    assert yours["counts"][centers > 2.05].sum() == 0
    assert expected["counts"][(centers > 1) & (centers < 1.95)].sum() == 0  # x / (1 - p) lies in [2, 4)


def test_a_mask_keeping_p_puts_the_fractions_on_the_wrong_diagonal(graded_with):
    report = graded_with("assignment2", source("assignment2", MISTAKES2["dropout_keeps_with_p"]))
    kept = plotted(drawing.figure(by_title(report, "the fraction of x kept")))["your dropout, one point per call"]
    p = np.round(kept["xy"][:, 0], 1)
    assert np.abs(kept["xy"][:, 1] - p).max() < 0.03  # the fraction kept is p, not 1 - p
    assert [plot.function for plot in report.plots] == ["dropout", "dropout"]  # the failing function only


def test_gradient_ascent_walks_off_the_landscape(graded_with):
    report = graded_with("assignment1", source("assignment1", MISTAKES1["ShallowNarrowExercise_train_gradient_ascent"]))
    landscape = by_title(report, "the weights on the loss landscape")
    walked = np.column_stack([series(landscape, "your").x, series(landscape, "your").y])
    gone = int(np.argmin(np.isfinite(walked).all(axis=1)))  # overflows to inf a few steps after leaving the frame
    assert 0 < gone < 211 and landscape.note == NOT_FINITE_FROM.format(what="Your (w1, w2)", step=gone)
    assert drawing.figure(landscape).axes[0].get_xlim() == (-2.6, 2.6)  # the valley stays in sight
    records = by_title(report, "the loss records")
    assert np.nanmax(series(records, "your").y) > 1e3 * np.nanmax(series(records, "the reference").y)


def test_a_sequential_split_puts_the_first_rows_in_train_every_time(graded_with):
    report = graded_with("assignment4", source("assignment4", MISTAKES4["train_test_split_sequential"]))
    bars = plotted(drawing.figure(by_title(report, "train_test_split: how often")))
    assert bars["yours: how often each row is in train"]["heights"] == [1.0] * 14 + [0.0] * 6


def test_sizes_rounded_up_show_one_row_too_many(graded_with):
    report = graded_with("assignment4", source("assignment4", MISTAKES4["train_test_split_round"]))
    excess = plotted(drawing.figure(by_title(report, "train_test_split: the sizes")))
    train = excess["your train, against int(n * train_prop)"]["xy"][:, 1]
    assert set(train) == {0.0, 1.0} and set(excess["your test, against the rest"]["xy"][:, 1]) == {0.0, -1.0}


def test_adam_without_bias_correction_parts_from_torch(graded_with):
    report = graded_with("assignment3", source("assignment3", MISTAKES3["adam_step_no_bias_correction"]))
    assert {plot.function for plot in report.plots} == {"adam_step"}
    bowl = plotted(drawing.figure(by_title(report, "adam_step: 100 steps on a quadratic bowl")))
    assert np.abs(bowl["your adam_step"]["xy"] - bowl["torch.optim.Adam"]["xy"]).max() > 0.1


def test_a_path_that_agrees_with_torch_says_the_fault_lies_elsewhere(graded_with):
    report = graded_with("assignment3", source("assignment3", MISTAKES3["momentum_step_torch_form"]))
    assert len(report.plots) == 2 and all(plot.note.startswith(
        "Your theta follows torch.optim.SGD with momentum step for step here") for plot in report.plots)


# ------------------------------------------------------------------------------------------ without the reference


def test_a_students_own_run_overlays_what_it_can_and_says_the_reference_is_not_here(graded_with):
    late = MISTAKES1["ShallowNarrowExercise_train_loss_after_update"]
    report = graded_with("assignment1", source("assignment1", late), include_hidden=False)
    records = by_title(report, "the loss records")
    assert REFERENCE_ABSENT.format(what="your run") in records.note
    assert {s.role for s in records.series} == {STUDENT, EXPECTED}  # the MSE at the student's own weights
    before = series(records, "the mean squared error")
    assert np.allclose(series(records, "your").y[:-1], before.y[1:], rtol=1e-5)  # recorded one update late
    landscape = by_title(report, "the weights on the loss landscape")
    assert [s.role for s in landscape.series] == [STUDENT] and landscape.surface is not None


def test_without_the_reference_penalties_are_shown_alone_and_optimizers_still_against_torch(graded_with):
    penalties = graded_with("assignment2", source("assignment2", MISTAKES2["l1_sqrt"]), include_hidden=False)
    plot = by_title(penalties, "l1_reg on five seeded models")
    assert [s.role for s in plot.series] == [STUDENT] and "not here" in plot.note
    optimizers = graded_with("assignment3", source("assignment3", MISTAKES3["adam_step_no_bias_correction"]),
                             include_hidden=False)
    assert all(plot.series[1].label == "torch.optim.Adam" for plot in optimizers.plots)


# ------------------------------------------------------------------------------------------ only where they help


def test_plots_are_drawn_only_where_they_help_and_never_change_a_score(graded_with):
    text = source("assignment2", MISTAKES2["dropout_no_rescale"])
    reports = {plots: graded_with("assignment2", text, plots=plots) for plots in (PLOTS_NONE, PLOTS_FAILING, PLOTS_ALL)}
    assert reports[PLOTS_NONE].plots == ()
    assert {plot.function for plot in reports[PLOTS_FAILING].plots} == {"dropout"}  # Dropout passes on its own
    assert len(reports[PLOTS_ALL].plots) == 6
    results = {plots: [(r.name, r.score, r.feedback) for r in report.results] for plots, report in reports.items()}
    assert results[PLOTS_NONE] == results[PLOTS_FAILING] == results[PLOTS_ALL]


def test_no_plot_for_code_not_written_or_refused(graded_with):
    stub = (PROJECT / "assignments" / "assignment2" / "regularization.py").read_text()
    assert graded_with("assignment2", stub, plots=PLOTS_ALL).plots == ()  # NotImplementedError everywhere
    partial = (SUBMISSIONS / "assignment2" / "partial.py").read_text()
    assert [plot.function for plot in graded_with("assignment2", partial, plots=PLOTS_ALL).plots] == [
        "l1_reg", "l2_reg"]  # defines nothing else
    delegating = graded_with("assignment2", source("assignment2", MISTAKES2["dropout_calls_torch"]), plots=PLOTS_ALL)
    assert "dropout" not in {plot.function for plot in delegating.plots}  # its tests did not run either


# ------------------------------------------------------------------------------------------ attacks


def test_code_that_hangs_only_in_a_plot_costs_its_timeout_once_and_no_point(graded_with):
    report = graded_with("assignment2", source("assignment2", HANGS_AT_09), plots=PLOTS_ALL)
    assert [(r.name, r.feedback) for r in report.results if r.status != PASSED] == []
    kept, survivors = by_title(report, "fraction of x kept, 40"), by_title(report, "values of the survivors")
    assert f"did not finish within {TEST_TIMEOUT:g} s" in kept.problem
    assert "was not run" in survivors.problem  # the grader stops calling it: one timeout, not one per plot
    assert report.duration < 4 * TEST_TIMEOUT + 20


def test_markup_in_an_exception_stays_text_where_a_plot_is_missing(graded_with):
    report = graded_with("assignment2", source("assignment2", RAISES_MARKUP), plots=PLOTS_ALL)
    missing = [plot for plot in report.plots if not plot.drawn]
    assert missing and all("<script>" in plot.problem for plot in missing if plot.function == "dropout")
    page = strict(feedback_page.render(report))
    assert "script" not in page.tags and "<script>alert('plot')</script>" in "".join(page.text)
    assert not [value for tag, name, value in page.attributes if name == "src" and not value.startswith("data:")]


# ------------------------------------------------------------------------------------------ the commands


def test_grade_with_feedback_writes_the_page_with_the_plots_asked_for(course, monkeypatch, tmp_path):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    submission = tmp_path / "regularization.py"
    submission.write_text(source("assignment2", MISTAKES2["dropout_keeps_with_p"]))
    runner = CliRunner()
    images = {}
    for plots in (PLOTS_FAILING, PLOTS_NONE):
        out = tmp_path / plots
        result = runner.invoke(grade_command, ["assignment2", str(submission), "--feedback", str(out), "--plots",
                                               plots])
        assert result.exit_code == 1, result.output
        images[plots] = len(embedded_pngs(strict((out / "feedback.html").read_text())))
        assert (out / "feedback.md").is_file() and json.loads((out / "results.json").read_text())["tests"]
    assert images == {PLOTS_FAILING: 2, PLOTS_NONE: 0}
    refused = runner.invoke(grade_command, ["assignment2", str(submission), "--plots", "some"])
    assert refused.exit_code == 2 and "'some' is not one of 'failing', 'all', 'none'" in refused.output


def test_grade_batch_writes_a_page_per_student_that_the_summary_links_to(course, monkeypatch, tmp_path):
    monkeypatch.setenv(COURSE_VARIABLE, str(course))
    upload = tmp_path / "class"
    upload.mkdir()
    (upload / "ada.py").write_text(source("assignment2"))
    (upload / "bob.py").write_text(source("assignment2", MISTAKES2["dropout_no_rescale"]))
    out = tmp_path / "out"
    result = CliRunner().invoke(grade_command, ["batch", "assignment2", str(upload), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    images = {student: len(embedded_pngs(strict((out / student / "feedback.html").read_text())))
              for student in ("ada", "bob")}
    assert images == {"ada": 0, "bob": 2}
    summary = strict((out / "summary.html").read_text())
    links = [value for tag, name, value in summary.attributes if name == "href"]
    assert links == ["ada/feedback.html", "bob/feedback.html"] and all((out / link).is_file() for link in links)


def test_the_same_plot_is_drawn_once_per_process_a_different_one_again(monkeypatch):
    """Students whose code sends back the same values get the same picture: a batch worker draws it once."""
    drawn, figure = [], drawing.figure
    monkeypatch.setattr(drawing, "figure", lambda plot: drawn.append(plot) or figure(plot))
    drawing.png.cache_clear()

    def plot(values):
        return Plot(function="l1_reg", title="penalty", series=(line("yours", [0, 1, 2], values),))

    first = drawing.png(plot([1.0, 2.0, 3.0]))
    assert drawing.png(plot([1.0, 2.0, 3.0])) == first and len(drawn) == 1
    assert drawing.png(plot([1.0, 2.0, 4.0])) != first and len(drawn) == 2
