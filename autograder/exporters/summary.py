"""summary.md and summary.html: how the class did, for the instructor, at a glance.

    [(student, Report), ...] --_sections--> blocks (heading, paragraph, image, table, list)
        --_markdown--> summary.md, its charts beside it in summary_files/*.png
        --_html------> summary.html, its charts embedded as data: URIs, so it can be mailed on its own

Both files say the same, from the same blocks: how many submissions were graded, the mean and median score,
a score histogram, each test's pass rate (a chart and a table, in report order), the most frequent known
mistakes, who could not be graded and why, and a table of the students (score, status, and a link to the
feedback page in their folder: feedback.html from summary.html, feedback.md from summary.md). matplotlib is
imported lazily and used through Figure objects, whose savefig renders with Agg: no pyplot, so no global
backend and no display. Student ids and sentences come from students: each block's text is made inert for
Markdown or HTML as it is written, and a student id in a link is percent-encoded whole, so that it can only
name the student's own folder.
"""
import base64
import io
import math
import statistics
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from autograder.exporters import write_atomically
from autograder.exporters.feedback_folder import HTML_FILE, MARKDOWN_FILE
from autograder.exporters.grades import ordered_test_names
from autograder.feedback import counted
from autograder.report import PASSED, Report
from autograder.report.safe import html_text, markdown, shown

FILES_FOLDER = "summary_files"
HISTOGRAM, PASS_RATES = "histogram.png", "pass_rates.png"
TOP_MISTAKES = 10
MAX_BINS = 25
LABEL_WIDTH = 70  # characters of a test name beside its bar
# Inches: the axes, and the margins (left, bottom, right, top) that hold ticks, axis labels and legends.
HISTOGRAM_AXES, HISTOGRAM_MARGINS = (5.0, 2.3), (0.4, 0.55, 0.15, 0.1)
TICK_FONT = 10  # matplotlib's default
PASS_RATES_WIDTH, BAR_HEIGHT, PASS_RATES_FONT = 7.0, 0.24, 7
PASS_RATES_MARGINS = (0.15, 0.5, 0.2, 0.35)  # left beyond the widest test name; the legend sits on top
BAR_COLOR, FAIL_COLOR = "#3b75af", "#c44e52"  # a test most of the class fails stands out in red

FEEDBACK_LINK = "feedback"
FEEDBACK_FILES = {"markdown": MARKDOWN_FILE, "html": HTML_FILE}  # beside each summary, in the student's folder
MEAN, MEDIAN = "mean {value}", "median {value}"
PASSING_MOST, PASSING_FEW = "passed by at least half", "passed by fewer than half"
GRADED = "{count} graded; mean score {mean} of {max_score}, median {median}."
NONE_GRADED = "No submissions were graded."
NOT_GRADED_COUNT = " {count} could not be graded: see the end."
MISTAKE_LINE = "{count} of {total} submissions: {function}: {mistake}"
NO_MISTAKES = "No failure matched a known mistake."
PASSED_OF = "{passed} of {total}"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
td.number {{ text-align: right; white-space: nowrap; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


@dataclass(frozen=True)
class Feedback:
    """A table cell linking to a student's feedback page, in their folder beside the summary."""
    student: str

    def link(self, kind: str) -> str:
        """The relative link to the student's page of `kind` (a key of FEEDBACK_FILES): the id percent-encoded
        whole, so that no `/`, `:`, `#` or `..` in it can point anywhere but the student's own folder."""
        return f"{quote(self.student, safe='')}/{FEEDBACK_FILES[kind]}"


def write_summary(graded: list[tuple[str, Report]], assignment_title: str, out_dir: Path) -> tuple[Path, Path]:
    """Write summary.md (charts in summary_files/) and a self-contained summary.html; return both paths."""
    graded = [(student, shown(report)) for student, report in graded]
    rates = _pass_rates(graded)
    images = {HISTOGRAM: _png(histogram_figure(graded)), PASS_RATES: _png(pass_rates_figure(rates))}
    (out_dir / FILES_FOLDER).mkdir(parents=True, exist_ok=True)
    for name, png in images.items():
        _write_bytes(out_dir / FILES_FOLDER / name, png)
    blocks = _sections(graded, assignment_title, rates)
    markdown_path, html_path = out_dir / "summary.md", out_dir / "summary.html"
    write_atomically(markdown_path, _markdown(blocks))
    write_atomically(html_path, PAGE.format(title=html_text(f"Summary: {assignment_title}"),
                                            body=_html(blocks, images)))
    return markdown_path, html_path


def _frequent_mistakes(graded: list[tuple[str, Report]]) -> list[tuple[int, str, str]]:
    """Count the students who made each known mistake, at most once per (function, mistake); most first."""
    counts: Counter = Counter()
    for _, report in graded:
        counts.update({(result.function, result.mistake) for result in report.results
                       if result.mistake and result.status != PASSED})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(count, function, mistake) for (function, mistake), count in ranked[:TOP_MISTAKES]]


def _pass_rates(graded: list[tuple[str, Report]]) -> list[tuple[str, int, int]]:
    """Return (test name, submissions passing, submissions with that test) in report order."""
    passed: Counter = Counter()
    seen: Counter = Counter()
    for _, report in graded:
        for result in report.results:
            seen[result.name] += 1
            passed[result.name] += result.status == PASSED
    return [(name, passed[name], seen[name]) for name in ordered_test_names(graded)]


def _sections(graded: list[tuple[str, Report]], title: str, rates: list[tuple[str, int, int]]) -> list[tuple]:
    """Lay the summary out as blocks both renderers share, so the two files can never disagree."""
    not_graded = [(student, reason) for student, report in graded
                  if (reason := report.not_graded_reason) is not None]
    mistakes = [MISTAKE_LINE.format(count=count, total=len(graded), function=function, mistake=mistake)
                for count, function, mistake in _frequent_mistakes(graded)]
    rows = [(str(number), name, PASSED_OF.format(passed=passed, total=total), _percent(passed, total))
            for number, (name, passed, total) in enumerate(rates, start=1)]
    blocks = [("heading", 1, f"Summary: {title}"), ("paragraph", _overview(graded, len(not_graded))),
              ("heading", 2, "Scores"), ("image", HISTOGRAM, "Histogram of the scores"),
              ("heading", 2, "Pass rate per test"), ("image", PASS_RATES, "Pass rate of each test"),
              ("table", ("#", "Test", "Passed", "Rate"), rows, "rlrr"),
              ("heading", 2, "Most frequent known mistakes"),
              ("list", mistakes) if mistakes else ("paragraph", NO_MISTAKES)]
    if graded:
        students = [(student, f"{_number(report.score)} / {_number(report.max_score)}", report.status,
                     Feedback(student)) for student, report in graded]
        blocks += [("heading", 2, "Students"), ("table", ("Student", "Score", "Status", "Feedback"), students, "lrll")]
    if not_graded:
        blocks += [("heading", 2, "Could not be graded"),
                   ("list", [f"{student}: {reason}" for student, reason in not_graded])]
    return blocks


def _overview(graded: list[tuple[str, Report]], not_graded: int) -> str:
    """Say how many were graded and how they scored, in one sentence an instructor can quote."""
    if not graded:
        return NONE_GRADED
    scores = [report.score for _, report in graded]
    max_score = max(report.max_score for _, report in graded)
    text = GRADED.format(count=counted(len(graded), "submission"), mean=_number(statistics.fmean(scores)),
                         max_score=_number(max_score), median=_number(statistics.median(scores)))
    return text + (NOT_GRADED_COUNT.format(count=not_graded) if not_graded else "")


def histogram_figure(graded: list[tuple[str, Report]]):
    """Draw how many submissions got each score, from 0 to the maximum, with the mean and median marked."""
    from matplotlib.ticker import MaxNLocator

    scores = [report.score for _, report in graded]
    top = max([1.0, *scores, *(report.max_score for _, report in graded)])
    left, *others = HISTOGRAM_MARGINS  # left beyond the widest count: the most submissions a bar can hold
    figure, axes = _figure(HISTOGRAM_AXES, (left + _widest([str(len(scores))], TICK_FONT), *others))
    axes.hist(scores, bins=min(max(math.ceil(top), 1), MAX_BINS), range=(0, top), color=BAR_COLOR,
              edgecolor="white", label="submissions")
    if scores:
        for value, template, style in ((statistics.fmean(scores), MEAN, "--"),
                                       (statistics.median(scores), MEDIAN, ":")):
            axes.axvline(value, color="#333333", linestyle=style, linewidth=1.3,
                         label=template.format(value=_number(value)))
    axes.set_xlabel("score")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(fontsize=8, loc="upper left")
    return figure


def pass_rates_figure(rates: list[tuple[str, int, int]]):
    """Draw one horizontal bar per test, first test on top, each labelled with its number and name; the legend
    says what the two colours mean."""
    from matplotlib.patches import Patch

    labels = [f"{number}. {textwrap.shorten(name, LABEL_WIDTH, placeholder='...')}"
              for number, (name, _, _) in enumerate(rates, start=1)]
    values = [100 * passed / total if total else 0.0 for _, passed, total in rates]
    left, *others = PASS_RATES_MARGINS
    figure, axes = _figure((PASS_RATES_WIDTH, BAR_HEIGHT * max(len(rates), 1)),
                           (left + _widest(labels, PASS_RATES_FONT), *others))
    positions = list(range(len(rates)))
    bars = axes.barh(positions, values, color=[BAR_COLOR if value >= 50 else FAIL_COLOR for value in values])
    axes.bar_label(bars, fmt="%.0f%%", padding=2, fontsize=PASS_RATES_FONT)
    axes.legend(handles=[Patch(color=BAR_COLOR, label=PASSING_MOST), Patch(color=FAIL_COLOR, label=PASSING_FEW)],
                fontsize=PASS_RATES_FONT, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2,
                frameon=False)  # above the bars
    axes.set_yticks(positions, labels, fontsize=PASS_RATES_FONT)
    axes.set_ylim(max(len(rates), 1) - 0.5, -0.5)  # report order top to bottom, without empty margins
    axes.set_xlim(0, 110)  # room for the label of a bar at 100%
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("% of submissions passing")
    return figure


def _figure(axes_size: tuple[float, float], margins: tuple[float, float, float, float]):
    """Make a figure without pyplot (so drawing needs no display and changes no global backend) whose axes are
    `axes_size` inches, with `margins` (left, bottom, right, top) inches around them for ticks, labels and legend.

    Margins are fixed, not fitted: fitting them (savefig's bbox_inches="tight") draws every label twice, and took
    0.7 s of a batch's end for the pass rates of assignment2's 33 tests."""
    from matplotlib.figure import Figure

    (width, height), (left, bottom, right, top) = axes_size, margins
    figure = Figure(figsize=(left + width + right, bottom + height + top), dpi=100)
    figure.subplots_adjust(left=left / (left + width + right), right=(left + width) / (left + width + right),
                           bottom=bottom / (bottom + height + top), top=(bottom + height) / (bottom + height + top))
    return figure, figure.subplots()


def _widest(labels: list[str], fontsize: float) -> float:
    """Inches the widest of `labels` takes at `fontsize`, measured on the font without drawing anything."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=fontsize)
    return max((text_to_path.get_text_width_height_descent(label, font, ismath=False)[0] for label in labels),
               default=0.0) / 72


def _png(figure) -> bytes:
    """Render a figure as PNG bytes, for a file and for a data: URI alike."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _write_bytes(path: Path, data: bytes) -> None:
    """Write an image atomically, as write_atomically does text, so a reader never sees half a PNG."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    temporary.replace(path)


def _markdown(blocks: list[tuple]) -> str:
    """Render the blocks as Markdown, linking each image in summary_files/."""
    parts = []
    for kind, *content in blocks:
        if kind == "heading":
            parts.append("#" * content[0] + " " + markdown(content[1]))
        elif kind == "paragraph":
            parts.append(markdown(content[0]))
        elif kind == "image":
            parts.append(f"![{markdown(content[1])}]({FILES_FOLDER}/{content[0]})")
        elif kind == "list":
            parts.append("\n".join(f"- {markdown(item)}" for item in content[0]))
        else:
            headers, rows, align = content
            lines = [[markdown(cell) for cell in headers], ["---:" if side == "r" else "---" for side in align],
                     *([_markdown_cell(cell) for cell in row] for row in rows)]
            parts.append("\n".join("| " + " | ".join(line) + " |" for line in lines))
    return "\n\n".join(parts) + "\n"


def _html(blocks: list[tuple], images: dict[str, bytes]) -> str:
    """Render the blocks as HTML, every text escaped and every image embedded."""
    parts = []
    for kind, *content in blocks:
        if kind == "heading":
            parts.append(f"<h{content[0]}>{html_text(content[1])}</h{content[0]}>")
        elif kind == "paragraph":
            parts.append(f"<p>{html_text(content[0])}</p>")
        elif kind == "image":
            data = base64.b64encode(images[content[0]]).decode("ascii")
            parts.append(f'<p><img src="data:image/png;base64,{data}" alt="{html_text(content[1])}"></p>')
        elif kind == "list":
            parts.append("<ul>\n" + "\n".join(f"<li>{html_text(item)}</li>" for item in content[0]) + "\n</ul>")
        else:
            parts.append(_html_table(*content))
    return "\n".join(parts)


def _html_table(headers: tuple[str, ...], rows: list[tuple[str, ...]], align: str) -> str:
    """Render a table, numbers right-aligned as in the Markdown."""
    head = "".join(f"<th>{html_text(header)}</th>" for header in headers)
    opening = {"l": "<td>", "r": '<td class="number">'}
    body = ["<tr>" + "".join(f"{opening[side]}{_html_cell(cell)}</td>" for cell, side in zip(row, align)) + "</tr>"
            for row in rows]
    return "<table>\n<thead><tr>" + head + "</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def _markdown_cell(cell) -> str:
    if isinstance(cell, Feedback):
        return f"[{FEEDBACK_LINK}]({cell.link('markdown')})"
    return markdown(cell)


def _html_cell(cell) -> str:
    if isinstance(cell, Feedback):
        return f'<a href="{html_text(cell.link("html"))}">{FEEDBACK_LINK}</a>'
    return html_text(cell)


def _percent(passed: int, total: int) -> str:
    """Write a pass rate as a whole percentage, a dash when no submission had the test."""
    return f"{100 * passed / total:.0f}%" if total else "-"


def _number(value: float) -> str:
    """Write a score with at most two decimals, enough to compare means without noise."""
    return f"{round(value, 2):g}"
