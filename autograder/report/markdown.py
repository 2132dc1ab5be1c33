"""The Markdown feedback file written next to results.json."""
from autograder.feedback import counted
from autograder.report import ERROR, PASSED, Report
from autograder.report.safe import code, markdown, shown


def render(report: Report, hidden_later: str | None = None) -> str:
    """Write the report as Markdown: score, a table of tests, then each lost point's sentence.

    With `hidden_later` (a sentence with {tests} and {points}), the hidden tests are only counted, in its words:
    what a student may read before an LMS shows the hidden results.
    """
    report = shown(report)
    results = [r for r in report.results if hidden_later is None or not r.hidden]
    score, max_score = sum(r.score for r in results), sum(r.max_score for r in results)
    lines = [f"# {markdown(f'{report.assignment}: {report.title}')}", "",
             f"**{'Score' if hidden_later is None else 'Public tests'}: {score:g} / {max_score:g}** for "
             f"{code(report.submission)}", "", "| | Test | Points |", "|---|---|---|"]
    for result in results:
        mark = "✅" if result.status == PASSED else ("⚠️" if result.status == ERROR else "❌")
        lines.append(f"| {mark} | {markdown(result.name)} | {result.score:g}/{result.max_score:g} |")
    failures = [r for r in results if r.status != PASSED]
    if failures:
        lines += ["", "## What to fix", ""]
        lines += [f"- **{markdown(r.name)}**: {markdown(r.feedback)}" for r in failures]
    tests, points = report.hidden_not_run
    if tests:
        lines += ["", f"Not run here: {counted(tests, 'hidden test')} ({counted(points, 'point')})."]
    later = [r for r in report.results if r.hidden] if hidden_later is not None else []
    if later:
        lines += ["", hidden_later.format(tests=counted(len(later), "hidden test"),
                                          points=counted(sum(r.max_score for r in later), "point"))]
    if report.notes or report.layers:
        lines += ["", "## Notes", ""] + [f"- {markdown(note)}" for note in report.notes]
        if report.layers:
            lines.append(f"- Sandbox: {markdown('; '.join(report.layers))}.")
    return "\n".join(lines) + "\n"
