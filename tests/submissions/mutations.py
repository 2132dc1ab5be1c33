"""Build submissions with known mistakes: the reference with one definition swapped for a wrong one.

Each assignment's `mistakes.py` lists its `Mistake`s; `with_mistakes` splices them in,
so a test can grade "the reference plus this mistake" and check what fails and what it says.
"""
import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A replacement for the top-level definition named `function` in the reference."""

    function: str
    source: str


def with_mistakes(reference_source: str, mistakes) -> str:
    """Return `reference_source` with each mistake's definition swapped in.

    Everything outside the replaced definitions stays byte-identical. Two mistakes
    in the same definition, or a definition the source lacks, raise ValueError.
    """
    targets = [mistake.function for mistake in mistakes]
    if len(set(targets)) != len(targets):
        raise ValueError(f"mistakes {targets} replace the same definition twice")
    spans = _definition_spans(reference_source)
    missing = sorted(set(targets) - set(spans))
    if missing:
        raise ValueError(f"the reference source defines no top-level {', '.join(missing)}")
    lines = reference_source.splitlines(keepends=True)
    for mistake in sorted(mistakes, key=lambda m: spans[m.function][0], reverse=True):
        start, end = spans[mistake.function]
        lines[start:end] = [mistake.source.rstrip("\n") + "\n"]
    return "".join(lines)


def _definition_spans(source: str) -> dict[str, tuple[int, int]]:
    """Map each top-level function or class name to its 0-based [start, end) lines, decorators included."""
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            spans[node.name] = (start - 1, node.end_lineno)
    return spans
