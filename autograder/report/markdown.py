"""The Markdown feedback file written next to results.json."""
from autograder.report import PASSED, Report


def render(report: Report) -> str:
    """Write the report as Markdown: score, a table of tests, then each lost point's sentence."""
    lines = [f"# {report.assignment}: {report.title}", "",
             f"**Score: {report.score:g} / {report.max_score:g}** for `{report.submission}`", "",
             "| | Test | Points |", "|---|---|---|"]
    for result in report.results:
        mark = "✅" if result.status == PASSED else ("⚠️" if result.status == "error" else "❌")
        lines.append(f"| {mark} | {_cell(result.name)} | {result.score:g}/{result.max_score:g} |")
    failures = [r for r in report.results if r.status != PASSED]
    if failures:
        lines += ["", "## What to fix", ""]
        lines += [f"- **{r.name}**: {r.feedback}" for r in failures]
    tests, points = report.hidden_not_run
    if tests:
        lines += ["", f"{tests} hidden tests ({points:g} points) were not run here."]
    if report.notes or report.layers:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in report.notes]
        if report.layers:
            lines.append(f"- Sandbox: {'; '.join(report.layers)}.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
