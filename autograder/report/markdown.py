"""The Markdown feedback file written next to results.json."""
from autograder.feedback import counted
from autograder.report import ERROR, PASSED, Report
from autograder.report.safe import code, markdown, shown


def render(report: Report) -> str:
    """Write the report as Markdown: score, a table of tests, then each lost point's sentence."""
    report = shown(report)
    lines = [f"# {markdown(f'{report.assignment}: {report.title}')}", "",
             f"**Score: {report.score:g} / {report.max_score:g}** for {code(report.submission)}", "",
             "| | Test | Points |", "|---|---|---|"]
    for result in report.results:
        mark = "✅" if result.status == PASSED else ("⚠️" if result.status == ERROR else "❌")
        lines.append(f"| {mark} | {markdown(result.name)} | {result.score:g}/{result.max_score:g} |")
    failures = [r for r in report.results if r.status != PASSED]
    if failures:
        lines += ["", "## What to fix", ""]
        lines += [f"- **{markdown(r.name)}**: {markdown(r.feedback)}" for r in failures]
    tests, points = report.hidden_not_run
    if tests:
        lines += ["", f"Not run here: {counted(tests, 'hidden test')} ({counted(points, 'point')})."]
    if report.notes or report.layers:
        lines += ["", "## Notes", ""] + [f"- {markdown(note)}" for note in report.notes]
        if report.layers:
            lines.append(f"- Sandbox: {markdown('; '.join(report.layers))}.")
    return "\n".join(lines) + "\n"
