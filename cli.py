"""The `grade` command: a thin layer over the `autograder` package.

Whatever stops grading, `--results`/`--feedback` still get a results.json (and feedback.md) listing every
test at 0 with the reason, so an LMS shows the student a sentence rather than a failed run. Everything
printed passes through `autograder.report.safe.inert`: file names and messages can come from students.
"""
import atexit
import contextlib
import dataclasses
import os
import sys
import threading
import time
import traceback
from pathlib import Path

import click

from autograder.assignments import AssignmentError, GradingError, load_assignment
from autograder.exporters.gradescope import (DEFAULT_HIDDEN_VISIBILITY, HIDDEN_VISIBILITIES, HTML, MARKDOWN,
                                             OUTPUT_FORMATS)
from autograder.feedback import GRADER_FAULT, counted
from autograder.plotdata import PLOT_CHOICES, PLOTS_FAILING, PLOTS_NONE
from autograder.report import ERROR, FAILED, Report
from autograder.report.safe import inert

EXIT_FAILURES = 1
EXIT_USAGE = 2
EXIT_GRADER = 3
EXIT_SIGNALLED = 128  # plus the signal's number, as a shell reports a process a signal ended

NO_TEST_RAN = "no test could run."  # what students read; the details go to stderr, for whoever runs the grader
GRADING_STOPPED = "Error: grading stopped because the grader itself is broken (its tests, or its sandbox): {error}"
STOPPED = ("Stopped by {signal}: the students graded so far are kept in {out}; run the same command with --resume "
           "to grade the rest.")
NO_REFERENCE = ("Note: the course at {course} has no reference for {assignment}, so its {hidden} do not run; set "
                "GRADE_COURSE to the course folder that holds reference/.")
RELEASED = ("Wrote {out}: {contents}. No file of it holds a reference file, a test submission, or a solution's code "
            "or expected values.")
PACKAGED = ("Wrote {out} ({size:.1f} MB, built in {seconds:.1f} s): {members}. Upload it on Gradescope's "
            "'Configure Autograder' page (Ubuntu 22.04 base image).")
GRADING_NOTICE = "grading {submission}..."
NOTICE_AFTER = 1.0  # seconds of grading before a terminal is told it is under way
ERASE_LINE = "\r\033[K"


timeout_option = click.option("--timeout", type=click.FloatRange(min=0.1),
                              help="Seconds each call into the student's code may take (default: 10).")
visibility_option = click.option("--hidden-visibility", type=click.Choice(HIDDEN_VISIBILITIES),
                                 default=DEFAULT_HIDDEN_VISIBILITY, show_default=True,
                                 help="When Gradescope shows students the hidden tests' results.")
output_format_option = click.option(
    "--output-format", type=click.Choice(OUTPUT_FORMATS), default=MARKDOWN, show_default=True,
    help="results.json's output for students: Markdown, or HTML with the plots of each function failing a public test.")
plots_option = click.option("--plots", type=click.Choice(PLOT_CHOICES), default=PLOTS_FAILING, show_default=True,
                            help="Plots in feedback.html: of each function with a failing test, of all, or none.")


class UsageProblem(click.ClickException):
    """Bad input: exit 2 with a sentence saying how to fix it."""
    exit_code = EXIT_USAGE

    def __init__(self, message: str):
        super().__init__(inert(message))  # names a file or an archive member, which students chose


class AssignmentFirst(click.Group):
    """Read `grade ASSIGNMENT ...` as `grade run ASSIGNMENT ...`; other first words name commands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_epilog(self, ctx, formatter):
        """End --help with the course's assignments and what each asks students to write."""
        from autograder.assignments import list_assignments

        with formatter.section("Assignments"):
            formatter.write_dl([(a.name, f"{a.module}.py: {', '.join(a.functions)}") for a in list_assignments()])


@click.group(cls=AssignmentFirst)
def grade():
    """Grade deep-learning exercises with untrusted code kept in a sandbox.

    Example: `grade assignment2` in the folder holding regularization.py.
    """


@grade.command("run")
@click.argument("assignment")
@click.argument("submission", required=False, type=click.Path(path_type=Path))
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path),
              help="Write Gradescope's results.json here.")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path),
              help="Write results.json, feedback.md and feedback.html (with plots) into this folder.")
@plots_option
@timeout_option
@visibility_option
@output_format_option
def run(assignment, submission, results, feedback, plots, timeout, hidden_visibility, output_format):
    """Grade one submission (default: the one in the current folder).

    Example: `grade assignment2 submissions/alice/regularization.ipynb --results results.json`
    """
    from autograder.sandbox.course_folders import start_sandbox
    from autograder.submission import SubmissionNotFound, find_worked_on

    where = submission or Path.cwd()
    outputs = (results, feedback, hidden_visibility, output_format)
    try:
        definition = load_assignment(assignment)
    except AssignmentError as error:
        _write_outputs(Report.ungraded(assignment, "", where.name, (), str(error)), *outputs)
        raise UsageProblem(str(error)) from None
    try:
        path, choice = find_worked_on(where, definition.module, definition.public_dir)
    except SubmissionNotFound as error:
        sentence = str(error).replace(str(where), where.name or str(where))  # the student's own names only
        _write_outputs(_ungraded(definition, where.name, sentence), *outputs)
        raise UsageProblem(str(error)) from None
    try:
        with _notice_while_slow(GRADING_NOTICE.format(submission=path.name)), \
                start_sandbox(definition.course) as sandbox:
            from autograder.grading import grade as grade_submission  # torch, imported while the zygote imports its own

            report = grade_submission(definition, path, sandbox=sandbox, timeout=timeout,
                                      plots=plots if feedback or output_format == HTML else PLOTS_NONE)
    except Exception as error:  # noqa: BLE001 -- whatever broke, the LMS still gets a results.json
        _write_outputs(_ungraded(definition, path.name, GRADER_FAULT.format(error=NO_TEST_RAN), ERROR), *outputs)
        detail = str(error) if isinstance(error, GradingError) else traceback.format_exc()
        click.echo(inert("Error: " + GRADER_FAULT.format(error=detail), newlines=True), err=True)
        sys.exit(EXIT_GRADER)
    if choice:
        report = dataclasses.replace(report, notes=(choice, *report.notes))
    _write_outputs(report, *outputs)
    click.echo(_render(report), nl=False)
    sys.exit(0 if report.all_passed else EXIT_FAILURES)


@grade.command("list")
def list_command():
    """Show each assignment's functions and their points.

    Example: `grade list`
    """
    from autograder.assignments import list_assignments
    from autograder.grading import list_tests

    for assignment in list_assignments():
        tests = list_tests(assignment)
        click.echo(f"{assignment.name}: {assignment.title} ({assignment.module}.py or .ipynb)")
        for function in assignment.functions:
            own = [test for test in tests if test.function == function]
            click.echo(f"  {function:<24} {counted(sum(t.max_score for t in own), 'point'):>11}, "
                       f"{counted(len(own), 'test')}")
        if not assignment.has_reference and assignment.hidden_tests:
            click.echo(f"  and {counted(assignment.hidden_tests, 'hidden test')} "
                       f"({counted(assignment.hidden_points, 'point')}) your instructor runs")


@grade.command("batch")
@click.argument("assignment")
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for grades.csv, summary.md/.html and one folder per student.")
@click.option("--jobs", type=click.IntRange(min=1), help="Workers grading side by side (default: one per core).")
@click.option("--resume", is_flag=True, help="Keep students already graded with the same submission and tests.")
@click.option("--cluster", metavar="ADDRESS",
              help="Grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786, or a scheduler file); "
                   "--jobs is then the cluster's business. Needs the [cluster] extra.")
@plots_option
@timeout_option
def batch(assignment, submissions, out, jobs, resume, cluster, plots, timeout):
    """Grade a class: a folder or zip with one submission per student.

    Example: `grade batch assignment2 canvas_download.zip --out grades/ --resume`
    """
    from autograder.batch.discover import BatchInputError
    from autograder.batch.engine import BatchStopped, default_jobs, run_batch
    from autograder.batch.progress import Progress

    try:
        definition = load_assignment(assignment)
    except AssignmentError as error:
        raise UsageProblem(str(error)) from None
    if definition.hidden_tests and not definition.has_reference:
        click.echo(NO_REFERENCE.format(course=definition.course, assignment=assignment,
                                       hidden=counted(definition.hidden_tests, "hidden test")), err=True)
    progress = Progress()
    try:
        run_batch(definition, submissions, out, jobs or default_jobs(), resume, on_start=progress.start,
                  on_done=progress, timeout=timeout, cluster=cluster, plots=plots)
    except BatchInputError as error:
        raise UsageProblem(str(error)) from None
    except GradingError as error:
        click.echo(inert(GRADING_STOPPED.format(error=error), newlines=True), err=True)
        sys.exit(EXIT_GRADER)
    except BatchStopped as stop:
        click.echo(progress.finish())
        click.echo(STOPPED.format(signal=stop, out=out), err=True)
        sys.exit(EXIT_SIGNALLED + stop.signal)
    click.echo(progress.finish())
    click.echo(f"Wrote {out / 'grades.csv'}, {out / 'grades_canvas.csv'}, {out / 'summary.html'} and a folder "
               f"per student.")


@grade.command("author")
@click.argument("assignments", nargs=-1)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 naming each generated file that is out of date.")
def author(assignments, check):
    """Write each assignment's stub, notebook twin and hidden-test counts from its annotated solution.

    Example: `grade author assignment2` after editing reference/assignment2/regularization.py
    """
    from autograder import authoring
    from autograder.assignments import list_assignments

    try:
        chosen = [load_assignment(name) for name in assignments] if assignments else list_assignments()
        changed = [path for a in chosen for path in (authoring.stale(a) if check else authoring.write(a))]
    except (AssignmentError, authoring.AuthoringError) as error:
        raise UsageProblem(str(error)) from None
    for path in changed:
        click.echo(f"{'Out of date' if check else 'Wrote'}: {path}")
    if check and changed:
        sys.exit(EXIT_FAILURES)


@grade.command("new")
@click.argument("name")
def new(name):
    """Start an assignment that grades end to end: one function, one public and one hidden test.

    Example: `grade new week5`, then edit reference/week5/week5.py and run `grade author week5`
    """
    from autograder import authoring
    from autograder.assignments import course_root

    try:
        written = authoring.scaffold(name, course_root())
    except authoring.AuthoringError as error:
        raise UsageProblem(str(error)) from None
    click.echo("\n".join(f"Wrote {path}" for path in dict.fromkeys(written)))
    click.echo(f"Try it: grade {name} {course_root() / 'reference' / name / (name + '.py')}")


@grade.command("release")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="A new or empty folder, outside the course, for what students receive.")
def release(assignments, out):
    """Build what students receive: the grader as a wheel, each assignment's files, no solution.

    Example: `grade release assignment1 assignment2 --out release/`
    """
    from autograder.shipping import ShippingError
    from autograder.shipping.release import build_release

    try:
        definitions = [load_assignment(name) for name in dict.fromkeys(assignments)]
        contents = build_release(definitions, out)
    except (AssignmentError, ShippingError) as error:
        raise UsageProblem(str(error)) from None
    click.echo(RELEASED.format(out=out, contents=", ".join(contents)))


@grade.command("gradescope")
@click.argument("assignment")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip to write, e.g. autograder.zip.")
@visibility_option
@output_format_option
def gradescope(assignment, out, hidden_visibility, output_format):
    """Build one assignment's Gradescope autograder: setup.sh, run_autograder, the grader, its hidden tests.

    Example: `grade gradescope assignment2 --out autograder.zip --hidden-visibility after_due_date`
    """
    from autograder.shipping import ShippingError
    from autograder.shipping.gradescope_package import build_package

    started = time.monotonic()
    try:
        members = build_package(load_assignment(assignment), out, hidden_visibility, output_format)
    except (AssignmentError, ShippingError) as error:
        raise UsageProblem(str(error)) from None
    top = [name for name in members if "/" not in name]
    folders = sorted({name.split("/")[0] for name in members if "/" in name})
    shown = top + [f"{folder}/ ({counted(len(members) - len(top), 'file')})" for folder in folders]
    click.echo(PACKAGED.format(out=out, size=out.stat().st_size / 1e6, seconds=time.monotonic() - started,
                               members=", ".join(shown)))


@contextlib.contextmanager
def _notice_while_slow(text: str, stream=None):
    """Show `text` on one line of a terminal once the body has run NOTICE_AFTER seconds, and erase it when the body
    ends; nothing at all when the stream is not a terminal (a log, an LMS's runner)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    state, lock = {"shown": False, "done": False}, threading.Lock()

    def show():
        with lock:
            if not state["done"]:
                stream.write(inert(text))
                stream.flush()
                state["shown"] = True

    timer = threading.Timer(NOTICE_AFTER, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["shown"]:
                stream.write(ERASE_LINE)
                stream.flush()


@grade.group("export")
def export_group():
    """Write an assignment in another grader's format."""


@export_group.command("otter")
@click.argument("assignment")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the master notebook and the folders it names.")
def export_otter(assignment, out):
    """Write an Otter-Assign master notebook whose tests are this assignment's, with their points.

    Example: `grade export otter assignment2 --out otter/`, then `otter assign otter/regularization.ipynb dist/`
    """
    from autograder import authoring
    from autograder.exporters import otter

    try:
        definition = load_assignment(assignment)
        written = otter.export(definition, out)
    except (AssignmentError, authoring.AuthoringError, otter.ExportError) as error:
        raise UsageProblem(str(error)) from None
    click.echo("\n".join(f"Wrote {path}" for path in written))
    click.echo(f"Build it: otter assign {written[0]} {out / 'dist'}   (pip install -e '.[otter]' first)")
    click.echo("Weaker than grade under otter:")
    click.echo("\n".join(f"- {sentence}" for sentence in otter.WEAKER_UNDER_OTTER))


def _write_outputs(report, results: Path | None, feedback: Path | None,
                   hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY, output_format: str = MARKDOWN) -> None:
    """Write `--results FILE` and the `--feedback DIR` folder, whichever were asked for."""
    from autograder.exporters.feedback_folder import write_feedback_folder
    from autograder.exporters.gradescope import write_results

    if results:
        write_results(report, results, hidden_visibility, output_format)
    if feedback:
        write_feedback_folder(report, feedback, hidden_visibility, output_format)


def _ungraded(definition, submission: str, sentence: str, status: str = FAILED) -> Report:
    """Every test of the assignment at 0 with `sentence`; the public tests alone if the hidden suite is broken."""
    from autograder.grading import TestSuite

    for include_hidden in (True, False):
        try:
            suite = TestSuite(definition, include_hidden)
        except GradingError:
            continue
        report = Report.ungraded(definition.name, definition.title, submission, suite.listing(), sentence, status)
        hidden = (0, 0.0) if suite.run_hidden else (definition.hidden_tests, definition.hidden_points)
        return dataclasses.replace(report, hidden_not_run=hidden)
    return Report.ungraded(definition.name, definition.title, submission, (), sentence, status)


def _render(report) -> str:
    from autograder.report import text

    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    return text.render(report, unicode="utf" in encoding.lower())


def main() -> None:
    """Run `grade` as a program, and end it without tearing the interpreter down: once the exit handlers have run
    and the output is flushed, freeing torch's modules one by one only costs the user about 0.4 s more."""
    code = 0
    try:
        grade.main()  # click ends it with SystemExit, whatever happened
    except SystemExit as ended:
        code = ended.code
    atexit._run_exitfuncs()  # what the program registered (a pool's clean-up) still runs
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a reader gone (`grade ... | head`) has read what it wanted
            stream.flush()
    os._exit(code if isinstance(code, int) else int(code is not None))


if __name__ == "__main__":
    main()
