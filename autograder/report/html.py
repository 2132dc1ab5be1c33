"""feedback.html: the report as one self-contained page, with the plots that explain its failures.

    Report --render()--------> a page: the score, one section per graded function (its tests, each lost point's
                               sentence, its plots embedded as data: URIs), the known mistakes, the notes
           --render_public()-> what a student may see before grades are published, as an HTML fragment for an
                               LMS that shows HTML (Gradescope's output_format "html"): the public tests, the
                               hidden ones only counted, the plots of functions with a failing public test

Nothing on the page reaches the network: no script, no stylesheet, font or image to fetch, no link but to
the page's own sections. Every text a student controls (sentences, notes, the file name, a plot's note
or the reason it is missing) passes through safe.html_text where it is written, after safe.shown has cut
it to size; so does every other text, which costs nothing and leaves no text unescaped by oversight.

The public part leaves out the plots of a function whose public tests all pass: in the default mode a plot
is drawn only for a failing function, so its presence alone would tell of a failing hidden test.
"""
import base64
import dataclasses
from collections import Counter

from autograder.feedback import GRADER_FAULT, counted
from autograder.report import ERROR, FAILED, PASSED, Report, TestResult
from autograder.report import plots as drawing
from autograder.report.safe import html_text, shown
from autograder.report.text import HIDDEN_NOT_RUN, HIDDEN_UNTIL_PUBLISHED

MARKS = {PASSED: "✓", FAILED: "✗", ERROR: "!"}
STATUS_WORDS = {PASSED: "passed", FAILED: "failed", ERROR: "grader error"}
SCORE = "Score: {score} / {max_score}"
PUBLIC_SCORE = "Public tests: {score} / {max_score}"
GRADED_IN = "for {submission}, graded in {seconds:.1f} s"
NOT_GRADED = "This submission could not be graded: {reason}"
ALL_PASSED = "Passed: all {tests}."
TESTS_PASSED = "{passed} of {total} passed"
NOT_DRAWN = "Not drawn: {reason}"
MISTAKE_LINE = "{function}: {mistake}"
SANDBOX_LINE = "Your code ran in a sandbox: {layers}."
HIDDEN_TAG = "hidden"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 70rem; margin: 1.5rem auto; padding: 0 1rem; color: #222;
       line-height: 1.45; }}
h1 {{ font-size: 1.5rem; margin-bottom: .3rem; }}
h2 {{ font-size: 1.2rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2rem;
     display: flex; justify-content: space-between; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #e4e4e4; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
td.number, th.number {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.mark {{ width: 1.4rem; font-weight: bold; }}
tr.passed td.mark {{ color: #2a7d2a; }}
tr.failed td.mark {{ color: #c0392b; }}
tr.error td.mark {{ color: #b7791f; }}
p.sentence {{ margin: .25rem 0 0; color: #444; overflow-wrap: anywhere; }}
.tag {{ font-size: .75em; background: #eee; color: #555; border-radius: 3px; padding: 0 .35em; margin-left: .4em; }}
.score {{ font-size: 1.15rem; }}
meter {{ width: 16rem; height: 1.1rem; vertical-align: middle; }}
.banner {{ background: #fdecea; border-left: 4px solid #c0392b; padding: .5rem 1rem; }}
.plots {{ display: flex; flex-wrap: wrap; gap: 1rem; margin: .8rem 0; }}
summary {{ cursor: pointer; color: #2a7d2a; }}
figure {{ margin: 0; flex: 1 1 30rem; max-width: 36rem; }}
figure img {{ width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: .9rem; color: #444; }}
p.missing {{ color: #8a5a00; font-size: .9rem; }}
code {{ overflow-wrap: anywhere; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def render(report: Report) -> str:
    """Lay the whole report out as a page: every test here, hidden ones included where they ran, and the plots."""
    report = shown(report)
    return PAGE.format(title=html_text(f"{report.assignment}: {report.title}"), body=_body(report, public_only=False))


def render_public(report: Report) -> str:
    """Lay out only what a student may see before grades are published, as a fragment to put in an LMS's page."""
    return f'<div class="feedback">\n{_body(shown(report), public_only=True)}\n</div>\n'


def _body(report: Report, public_only: bool) -> str:
    """The page's content: header, overview, a section per function, known mistakes, notes."""
    results = [result for result in report.results if not (public_only and result.hidden)]
    sections = _sections(results, report, public_only)
    parts = [_header(report, results, public_only), _overview(sections)]
    parts += [_section(number, function, own, plots) for number, (function, own, plots) in enumerate(sections, 1)]
    parts += [_hidden(report, public_only), _mistakes(results), _notes(report)]
    return "\n".join(part for part in parts if part)


def _sections(results: list[TestResult], report: Report, public_only: bool) -> list[tuple[str, list, list]]:
    """(function, its results, its plots) in report order; a method's tests (`Class.method:`) join its class's."""
    grouped: dict[str, tuple[list, list]] = {}
    for result in results:
        grouped.setdefault(result.function.split(".")[0], ([], []))[0].append(result)
    for plot in report.plots:
        if plot.function in grouped or not public_only:
            grouped.setdefault(plot.function, ([], []))[1].append(plot)
    if public_only:  # a plot is drawn only where a test fails: shown alone, it would tell of a hidden failure
        grouped = {function: (own, plots if any(r.status != PASSED for r in own) else [])
                   for function, (own, plots) in grouped.items()}
    return [(function, own, plots) for function, (own, plots) in grouped.items()]


def _header(report: Report, results: list[TestResult], public_only: bool) -> str:
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    template = PUBLIC_SCORE if public_only else SCORE
    total = template.format(score=_number(score), max_score=_number(max_score))
    lines = [f"<h1>{html_text(f'{report.assignment}: {report.title}')}</h1>",
             f'<p class="score"><strong>{html_text(total)}</strong>{_meter(score, max_score)}</p>',
             f"<p>{html_text(GRADED_IN.format(submission=report.submission, seconds=report.duration))}</p>"]
    if report.not_graded_reason:
        lines.append(f'<p class="banner">{html_text(NOT_GRADED.format(reason=report.not_graded_reason))}</p>')
    return "\n".join(lines)


def _overview(sections: list[tuple[str, list, list]]) -> str:
    """A table of the functions, each linking to its section: points and tests passed at a glance."""
    if len(sections) < 2:
        return ""
    rows = []
    for number, (function, own, _) in enumerate(sections, start=1):
        passed = sum(r.status == PASSED for r in own)
        rows.append(f'<tr class="{"passed" if passed == len(own) else "failed"}">'
                    f'<td class="mark">{MARKS[PASSED] if passed == len(own) else MARKS[FAILED]}</td>'
                    f'<td><a href="#function-{number}">{html_text(function)}</a></td>'
                    f'<td class="number">{_points(own)}</td>'
                    f'<td class="number">{html_text(TESTS_PASSED.format(passed=passed, total=len(own)))}</td></tr>')
    return ('<table class="overview">\n<thead><tr><th></th><th>Function</th><th class="number">Points</th>'
            '<th class="number">Tests</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def _section(number: int, function: str, results: list[TestResult], plots: list) -> str:
    """One function: its plots first (seen faster than read), then its tests, each lost point's sentence under
    its test; the tests of a function that passed them all folded away."""
    parts = [f'<section id="function-{number}">',
             f"<h2><span>{html_text(function)}</span><span>{_points(results)}</span></h2>"]
    if plots:
        parts.append('<div class="plots">\n' + "\n".join(_figure(plot) for plot in plots) + "\n</div>")
    if results:
        table = '<table class="tests">\n<tbody>\n' + "\n".join(map(_test_row, results)) + "\n</tbody>\n</table>"
        if all(result.status == PASSED for result in results):
            table = f"<details>\n<summary>{html_text(ALL_PASSED.format(tests=counted(len(results), 'test')))}" \
                    f"</summary>\n{table}\n</details>"
        parts.append(table)
    parts.append("</section>")
    return "\n".join(parts)


def _test_row(result: TestResult) -> str:
    tag = f'<span class="tag">{HIDDEN_TAG}</span>' if result.hidden else ""
    sentence = f'<p class="sentence">{html_text(result.feedback)}</p>' if result.status != PASSED else ""
    return (f'<tr class="{result.status}"><td class="mark" title="{STATUS_WORDS[result.status]}">'
            f'{MARKS[result.status]}</td><td>{html_text(result.name)}{tag}{sentence}</td>'
            f'<td class="number">{_number(result.score)}/{_number(result.max_score)}</td></tr>')


def _figure(plot) -> str:
    """A drawn plot as an embedded PNG with its title and notes; one that could not be drawn as its reason."""
    try:
        picture = drawing.png(plot) if plot.drawn else b""
    except Exception as error:  # noqa: BLE001 -- a plot must never cost the page it is on
        reason = GRADER_FAULT.format(error=f"{type(error).__name__}: {error}")
        picture, plot = b"", dataclasses.replace(plot, problem=reason)
    if not plot.drawn:
        return (f'<p class="missing"><strong>{html_text(plot.title)}</strong>. '
                f"{html_text(NOT_DRAWN.format(reason=plot.problem))}</p>")
    data = base64.b64encode(picture).decode("ascii")
    width, height = drawing.pixels(plot)
    notes = " ".join([plot.note, *drawing.caveats(plot)]).strip()
    caption = f"<strong>{html_text(plot.title)}</strong>" + (f" {html_text(notes)}" if notes else "")
    return (f'<figure><img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{html_text(plot.title)}"><figcaption>{caption}</figcaption></figure>')


def _hidden(report: Report, public_only: bool) -> str:
    """Say how many hidden tests are not on this page, and why."""
    tests, points = report.hidden_not_run
    template = HIDDEN_NOT_RUN
    hidden = [result for result in report.results if result.hidden]
    if public_only and hidden:
        template = HIDDEN_UNTIL_PUBLISHED
        tests, points = tests + len(hidden), points + sum(result.max_score for result in hidden)
    if not tests:
        return ""
    return f"<p>{html_text(template.format(tests=counted(tests, 'hidden test'), points=counted(points, 'point')))}</p>"


def _mistakes(results: list[TestResult]) -> str:
    """The known mistakes the failures matched, each once, most frequent first."""
    found = Counter((result.function, result.mistake) for result in results
                    if result.mistake and result.status != PASSED)
    if not found:
        return ""
    items = [f"<li>{html_text(MISTAKE_LINE.format(function=function, mistake=mistake))}</li>"
             for (function, mistake), _ in found.most_common()]
    return "<h2>Known mistakes found</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>"


def _notes(report: Report) -> str:
    items = [f"<li>{html_text(note)}</li>" for note in report.notes]
    if report.layers:
        items.append(f"<li>{html_text(SANDBOX_LINE.format(layers='; '.join(report.layers)))}</li>")
    return "<h2>Notes</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def _meter(score: float, max_score: float) -> str:
    return f' <meter min="0" max="{max_score:g}" value="{score:g}"></meter>' if max_score > 0 else ""


def _points(results: list[TestResult]) -> str:
    return f"{_number(sum(r.score for r in results))}/{_number(sum(r.max_score for r in results))}"


def _number(value: float) -> str:
    return f"{value:g}"
