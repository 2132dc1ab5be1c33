"""The house reads one way: each layer imports only those below it, checked on the source with `ast`.

    batch -> exporters -> report (renderers) -> grading -> checks -> sandbox

grading fills in the report's data model (`autograder.report`: Report, TestResult, Status), so it may import
that package itself, never a renderer under it (text, markdown, html, safe, plots). Lazy imports inside
functions count as much as those at the top of a module.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
REPORT_MODEL = "autograder.report"
# (layer that imports, layer it must not import, why)
FORBIDDEN = [
    ("report", "exporters", "the report renders in memory; exporters write its files"),
    ("report", "batch", "batch is on top of the pipeline"),
    ("report", "grading", "grading fills in the report's model: the report reads it, never runs grading"),
    ("exporters", "batch", "batch is on top of the pipeline"),
    *((layer, above, f"{layer} runs below {above}") for layer in ("grading", "checks", "sandbox")
      for above in ("report", "exporters", "batch")),
]
# Grading builds the Report it returns, so the data model is the one part of `report` below it.
ALLOWED = {("grading", REPORT_MODEL)}


def test_every_module_imports_only_layers_below_it():
    found = [problem for path in sorted(PACKAGE.rglob("*.py"))
             for problem in violations(_module_name(path), path.read_text())]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module, source", [
    ("autograder.report.summary", "from autograder.exporters import write_atomically"),
    ("autograder.report.text", "def f():\n    from autograder.batch.engine import run_batch"),
    ("autograder.exporters.grades", "import autograder.batch.discover"),
    ("autograder.grading", "def f():\n    from autograder.report import plots"),
    ("autograder.grading", "from autograder.report.safe import inert"),
    ("autograder.checks.values", "from autograder.report import Report"),
    ("autograder.sandbox.remote", "from autograder import exporters"),
    ("autograder.report.html", "from ..grading import grade"),
])
def test_an_import_up_the_pipeline_is_caught(module, source):
    assert violations(module, source)


@pytest.mark.parametrize("module, source", [
    ("autograder.grading", "from autograder.report import PASSED, Report, Status, TestResult"),
    ("autograder.exporters.gradescope", "from autograder.report import markdown\nfrom . import write_atomically"),
    ("autograder.batch.engine", "from autograder.exporters.summary import write_summary"),
    ("autograder.report.text", "from autograder.feedback import counted"),
])
def test_an_import_down_the_pipeline_is_allowed(module, source):
    assert violations(module, source) == []


def violations(module: str, source: str) -> list[str]:
    """Say, for each import in `source` (the module `module`) that runs up the pipeline, what it breaks."""
    layer = _layer(module)
    problems = []
    for imported in sorted(_imports(module, source)):
        for importer, above, why in FORBIDDEN:
            if layer == importer and _layer(imported) == above and (layer, imported) not in ALLOWED:
                problems.append(f"{module} imports {imported}: {why}")
    return problems


def _imports(module: str, source: str) -> set[str]:
    """Every autograder module `source` imports, `from package import submodule` naming the submodule."""
    package = module if _is_package(module) else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            names.update(f"{base}.{alias.name}" if _exists(f"{base}.{alias.name}") else base for alias in node.names)
    return {name for name in names if name.split(".")[0] == "autograder"}


def _layer(module: str) -> str:
    """The package or module right under autograder: `autograder.report.text` is in `report`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(module: str) -> bool:
    return (PACKAGE.parent / module.replace(".", "/") / "__init__.py").exists()


def _exists(module: str) -> bool:
    where = PACKAGE.parent / module.replace(".", "/")
    return where.with_suffix(".py").exists() or (where / "__init__.py").exists()
