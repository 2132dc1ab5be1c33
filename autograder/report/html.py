"""feedback.html: the report as one self-contained page, with the plots that explain its failures.

    Report --render()--------> a page: the score, one section per graded function (its tests, each lost point's
                               sentence, its plots embedded as data: URIs), the known mistakes, the notes
           --render_inline()-> the same, as one element with its style scoped to it, for check() in a notebook
           --render_public()-> what a student may see before grades are published, as an HTML fragment for an
                               LMS that shows HTML (Gradescope's output_format "html"): the public tests, the
                               hidden ones only counted, the plots of functions with a failing public test
                               without the reference's series

Nothing on the page reaches the network: no script, no stylesheet, font or image to fetch, no link but to
the page's own sections. Every text a student controls (sentences, notes, the file name, a plot's note
or the reason it is missing) passes through safe.html_text where it is written, after safe.shown has cut
it to size; so does every other text, which costs nothing and leaves no text unescaped by oversight.

The public part leaves out the plots of a function whose public tests all pass: in the default mode a plot
is drawn only for a failing function, so its presence alone would tell of a failing hidden test.
"""
import base64
import dataclasses
import uuid
from collections import Counter
from dataclasses import dataclass

from autograder.feedback import GRADER_FAULT, counted
from autograder.plotdata import REFERENCE, Plot
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
ONE_PASSED = "Passed: its one test."
TESTS_PASSED = "{passed} of {total} passed"
NOT_DRAWN = "Not drawn: {reason}"
REFERENCE_LATER = "The reference's values are left out here: hidden tests expect them on these same inputs."
MISTAKE_LINE = "{function}: {mistake}"
SANDBOX_LINE = "Your code ran in a sandbox: {layers}."
HIDDEN_TAG = "hidden"
# On the elements themselves, as the stylesheet says too: an LMS's page keeps no stylesheet of ours, and there a
# plot must not overflow a narrow column, nor a test's mark and points float beside the middle of its sentence.
IMAGE_STYLE = "max-width: 100%; height: auto;"
ROW_STYLE = "vertical-align: top;"  # inherited by the row's cells (HTML's own stylesheet: td {vertical-align: inherit})
SENTENCE_STYLE = "margin: .25rem 0 0;"
MISTAKES_HEADING = "Known mistakes found"
NOTES_HEADING = "Notes"

# The page's rules, each also scoped under INLINE_SCOPE where a notebook shows the report inside its own page.
# Headings are classes, not only elements: inline they are divs (see render_inline). Tables, rows and paragraphs
# state what a notebook's stylesheet sets otherwise (JupyterLab: fixed table layout, striped rows, its own colours).
STYLE = """
h1, .h1 { font-size: 1.5rem; font-weight: bold; margin: 1rem 0 .3rem; line-height: 1.25; }
h2, .h2 { font-size: 1.2rem; font-weight: bold; border-bottom: 2px solid #ddd; padding-bottom: .2rem;
          margin: 2rem 0 .5rem; display: flex; justify-content: space-between; gap: 1rem; line-height: 1.25; }
h2 span, .h2 span { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; table-layout: auto; margin: 0; color: inherit; font-size: inherit; }
tr.passed, tr.failed, tr.error { background: none; }
th, td { border: none; border-bottom: 1px solid #e4e4e4; padding: .3rem .5rem; text-align: left; vertical-align: top;
         line-height: 1.45; }
td.number, th.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; width: 1%; }
td.mark { width: 1.4rem; font-weight: bold; }
tr.passed td.mark { color: #2a7d2a; }
tr.failed td.mark { color: #c0392b; }
tr.error td.mark { color: #b7791f; }
p { margin: .5rem 0; }
p.sentence { margin: .25rem 0 0; color: #444; overflow-wrap: anywhere; }
.tag { font-size: .75em; background: #eee; color: #555; border-radius: 3px; padding: 0 .35em; margin-left: .4em; }
.score { font-size: 1.15rem; }
meter { width: 16rem; max-width: 40%; height: 1.1rem; vertical-align: middle; }
.banner { background: #fdecea; border-left: 4px solid #c0392b; padding: .5rem 1rem; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; margin: .8rem 0; }
summary { cursor: pointer; color: #2a7d2a; }
figure { margin: 0; flex: 1 1 30rem; max-width: 36rem; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .9rem; color: #444; overflow-wrap: anywhere; }
p.missing { color: #8a5a00; font-size: .9rem; overflow-wrap: anywhere; }
li { overflow-wrap: anywhere; }
"""
ROOT_STYLE = "font-family: system-ui, sans-serif; color: #222; line-height: 1.45;"
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ {root} max-width: 70rem; margin: 1.5rem auto; padding: 0 1rem; }}
{style}</style>
</head>
<body>
{body}
</body>
</html>
"""
# In a notebook the report is a card of its own colours (a dark theme must not make its text unreadable), its
# rules scoped to it so that none restyles the notebook around it. The class twice: JupyterLab's own rules for
# cells (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`, right-aligned) weigh two classes and an element.
INLINE_SCOPE = "div.grade-feedback.grade-feedback"
INLINE = """<div class="grade-feedback">
<style>
{scope} {{ {root} background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 0 1rem .5rem;
  max-width: 70rem; text-align: left; }}
{style}</style>
{body}
</div>
"""


def render(report: Report) -> str:
    """Lay the whole report out as a page: every test here, hidden ones included where they ran, and the plots."""
    report = shown(report)
    return PAGE.format(title=html_text(f"{report.assignment}: {report.title}"), root=ROOT_STYLE, style=STYLE,
                       body=_body(report, _Markup()))


def render_inline(report: Report) -> str:
    """Lay the whole report out as render() does, as one element a notebook shows in a cell's output.

    Its style applies inside it only; its headings are not h1/h2, which JupyterLab would list in the notebook's
    table of contents; its anchors are unique to this output, so that checks shown one above the other link
    each to its own sections.
    """
    markup = _Markup(anchor=f"check-{uuid.uuid4().hex[:12]}-", headings=False)
    return INLINE.format(scope=INLINE_SCOPE, root=ROOT_STYLE, style=_scoped(STYLE, INLINE_SCOPE),
                         body=_body(shown(report), markup))


def render_public(report: Report, hidden_later: str = HIDDEN_UNTIL_PUBLISHED) -> str:
    """Lay out only what a student may see before grades are published, as a fragment to put in an LMS's page.

    `hidden_later` (a sentence with {tests} and {points}) counts the hidden tests, in the words of when they show.
    """
    markup = _Markup(public_only=True, hidden_later=hidden_later)
    return f'<div class="feedback">\n{_body(shown(report), markup)}\n</div>\n'


@dataclass(frozen=True)
class _Markup:
    """How a body is written for where it lands: whose tests, which ids, which heading elements."""
    public_only: bool = False
    hidden_later: str = HIDDEN_UNTIL_PUBLISHED
    anchor: str = "function-"  # the sections' ids: this, then the section's number
    headings: bool = True  # h1 and h2 elements; else divs with the heading role


def _body(report: Report, markup: _Markup) -> str:
    """The page's content: header, overview, a section per function, known mistakes, notes."""
    results = [result for result in report.results if not (markup.public_only and result.hidden)]
    sections = _sections(results, report, markup.public_only)
    parts = [_header(report, results, markup), _overview(sections, markup)]
    parts += [_section(number, function, own, plots, markup)
              for number, (function, own, plots) in enumerate(sections, 1)]
    parts += [_hidden(report, markup), _mistakes(results, markup), _notes(report, markup)]
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
        grouped = {function: (own, [_without_reference(p) for p in plots] if any(r.status != PASSED for r in own)
                              else []) for function, (own, plots) in grouped.items()}
    return [(function, own, plots) for function, (own, plots) in grouped.items()]


def _without_reference(plot: Plot) -> Plot:
    """The plot without the reference's series: they are the values hidden tests expect, on the same inputs."""
    kept = tuple(series for series in plot.series if series.role != REFERENCE)
    if len(kept) == len(plot.series):
        return plot
    return dataclasses.replace(plot, series=kept, note=" ".join(filter(None, (plot.note, REFERENCE_LATER))))


def _header(report: Report, results: list[TestResult], markup: _Markup) -> str:
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    template = PUBLIC_SCORE if markup.public_only else SCORE
    total = template.format(score=_number(score), max_score=_number(max_score))
    lines = [_heading(1, html_text(f"{report.assignment}: {report.title}"), markup),
             f'<p class="score"><strong>{html_text(total)}</strong>{_meter(score, max_score)}</p>',
             f"<p>{html_text(GRADED_IN.format(submission=report.submission, seconds=report.duration))}</p>"]
    if report.not_graded_reason:
        lines.append(f'<p class="banner">{html_text(NOT_GRADED.format(reason=report.not_graded_reason))}</p>')
    return "\n".join(lines)


def _overview(sections: list[tuple[str, list, list]], markup: _Markup) -> str:
    """A table of the functions, each linking to its section: points and tests passed at a glance."""
    if len(sections) < 2:
        return ""
    rows = []
    for number, (function, own, _) in enumerate(sections, start=1):
        passed = sum(r.status == PASSED for r in own)
        rows.append(f'<tr class="{"passed" if passed == len(own) else "failed"}">'
                    f'<td class="mark">{MARKS[PASSED] if passed == len(own) else MARKS[FAILED]}</td>'
                    f'<td><a href="#{markup.anchor}{number}">{html_text(function)}</a></td>'
                    f'<td class="number">{_points(own)}</td>'
                    f'<td class="number">{html_text(TESTS_PASSED.format(passed=passed, total=len(own)))}</td></tr>')
    return ('<table class="overview">\n<thead><tr><th></th><th>Function</th><th class="number">Points</th>'
            '<th class="number">Tests</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def _section(number: int, function: str, results: list[TestResult], plots: list, markup: _Markup) -> str:
    """One function: its plots first (seen faster than read), then its tests, each lost point's sentence under
    its test; the tests of a function that passed them all folded away."""
    parts = [f'<section id="{markup.anchor}{number}">',
             _heading(2, f"<span>{html_text(function)}</span> <span>{_points(results)}</span>", markup)]
    if plots:
        parts.append('<div class="plots">\n' + "\n".join(_figure(plot) for plot in plots) + "\n</div>")
    if results:
        table = '<table class="tests">\n<tbody>\n' + "\n".join(map(_test_row, results)) + "\n</tbody>\n</table>"
        if all(result.status == PASSED for result in results):
            passed = ONE_PASSED if len(results) == 1 else ALL_PASSED.format(tests=counted(len(results), "test"))
            table = f"<details>\n<summary>{html_text(passed)}</summary>\n{table}\n</details>"
        parts.append(table)
    parts.append("</section>")
    return "\n".join(parts)


def _test_row(result: TestResult) -> str:
    tag = f'<span class="tag">{HIDDEN_TAG}</span>' if result.hidden else ""
    sentence = (f'<p class="sentence" style="{SENTENCE_STYLE}">{html_text(result.feedback)}</p>'
                if result.status != PASSED else "")
    return (f'<tr class="{result.status}" style="{ROW_STYLE}"><td class="mark" title="{STATUS_WORDS[result.status]}">'
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
            f'style="{IMAGE_STYLE}" alt="{html_text(plot.title)}"><figcaption>{caption}</figcaption></figure>')


def _hidden(report: Report, markup: _Markup) -> str:
    """Say how many hidden tests are not on this page, and why."""
    tests, points = report.hidden_not_run
    template = HIDDEN_NOT_RUN
    hidden = [result for result in report.results if result.hidden]
    if markup.public_only and hidden:
        template = markup.hidden_later
        tests, points = tests + len(hidden), points + sum(result.max_score for result in hidden)
    if not tests:
        return ""
    return f"<p>{html_text(template.format(tests=counted(tests, 'hidden test'), points=counted(points, 'point')))}</p>"


def _mistakes(results: list[TestResult], markup: _Markup) -> str:
    """The known mistakes the failures matched, each once, most frequent first."""
    found = Counter((result.function, result.mistake) for result in results
                    if result.mistake and result.status != PASSED)
    if not found:
        return ""
    items = [f"<li>{html_text(MISTAKE_LINE.format(function=function, mistake=mistake))}</li>"
             for (function, mistake), _ in found.most_common()]
    return _heading(2, html_text(MISTAKES_HEADING), markup) + "\n<ul>\n" + "\n".join(items) + "\n</ul>"


def _notes(report: Report, markup: _Markup) -> str:
    items = [f"<li>{html_text(note)}</li>" for note in report.notes]
    if report.layers:
        items.append(f"<li>{html_text(SANDBOX_LINE.format(layers='; '.join(report.layers)))}</li>")
    return _heading(2, html_text(NOTES_HEADING), markup) + "\n<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def _heading(level: int, content: str, markup: _Markup) -> str:
    """A heading of `content` (already HTML): an h1 or h2 element, or a div a notebook's table of contents skips."""
    if markup.headings:
        return f"<h{level}>{content}</h{level}>"
    return f'<div class="h{level}" role="heading" aria-level="{level}">{content}</div>'


def _scoped(rules: str, scope: str) -> str:
    """Put `scope` before every selector of `rules` (plain rules, no at-rule), so that they apply inside it only."""
    scoped = []
    for rule in filter(str.strip, rules.split("}")):
        selectors, declarations = rule.split("{")
        scoped.append(", ".join(f"{scope} {selector.strip()}" for selector in selectors.split(","))
                      + f" {{{declarations}}}")
    return "\n".join(scoped) + "\n"


def _meter(score: float, max_score: float) -> str:
    return f' <meter min="0" max="{max_score:g}" value="{score:g}"></meter>' if max_score > 0 else ""


def _points(results: list[TestResult]) -> str:
    return f"{_number(sum(r.score for r in results))}/{_number(sum(r.max_score for r in results))}"


def _number(value: float) -> str:
    return f"{value:g}"
