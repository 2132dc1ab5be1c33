"""Find assignments in a course folder and read their `assignment.toml`.

    course/
      assignments/<name>/assignment.toml   what the student must write, banned calls, points of hidden tests
      assignments/<name>/<module>.py       the stub (and its notebook twin), test_*.py public tests
      reference/<name>/<module>.py         the solution, test_*.py hidden tests (instructors only)

Which course `grade` uses, first found:
    $GRADE_COURSE                        an instructor's course folder (a checkout, or the Gradescope autograder's)
    <package>/course/                    the public part of the course, built into an installed package (a wheel
                                         from `pip install .` or a student release): never a reference
    the checkout the package runs from   `pip install -e .` or `python cli.py`: reference included
"""
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10, as on Gradescope's default image
    import tomli as tomllib

COURSE_VARIABLE = "GRADE_COURSE"
PACKAGED_COURSE = Path(__file__).resolve().parent / "course"
CHECKOUT = Path(__file__).resolve().parents[1]


class AssignmentError(Exception):
    """An assignment is unknown or its definition is broken; the message says which and how to fix it."""


class GradingError(Exception):
    """The grader itself could not grade (a broken hidden suite, a sandbox that did not start).

    Here, not in grading.py, so that a batch's coordinator can tell it apart without importing torch."""


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str
    module: str
    functions: tuple[str, ...]
    public_dir: Path
    reference_dir: Path
    banned: dict = field(default_factory=dict)  # function -> qualified names it may not call
    timeout: float = 10.0
    hidden_tests: int = 0
    hidden_points: float = 0.0

    @property
    def course(self) -> Path:
        return self.public_dir.parent.parent

    @property
    def has_reference(self) -> bool:
        return (self.reference_dir / f"{self.module}.py").is_file()

    @property
    def public_tests(self) -> list[Path]:
        return sorted(self.public_dir.glob("test_*.py"))

    @property
    def hidden_test_files(self) -> list[Path]:
        return sorted(self.reference_dir.glob("test_*.py")) if self.has_reference else []

    def load_reference(self):
        """Import the reference solution in the grader, under a name of its own."""
        path = self.reference_dir / f"{self.module}.py"
        spec = importlib.util.spec_from_file_location(f"reference_{self.name}_{self.module}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def course_root() -> Path:
    """The course folder: $GRADE_COURSE, else the course built into the installed package, else the checkout."""
    if os.environ.get(COURSE_VARIABLE):
        return Path(os.environ[COURSE_VARIABLE])
    return PACKAGED_COURSE if (PACKAGED_COURSE / "assignments").is_dir() else CHECKOUT


def list_assignments(course: Path | None = None) -> list[Assignment]:
    """Every assignment of the course, by name."""
    course = course or course_root()
    return [load_assignment(path.parent.name, course)
            for path in sorted((course / "assignments").glob("*/assignment.toml"))]


def load_assignment(name: str, course: Path | None = None) -> Assignment:
    """Read one assignment's definition; raise AssignmentError naming the known ones when it is unknown."""
    course = course or course_root()
    config_path = course / "assignments" / name / "assignment.toml"
    if not config_path.is_file():
        known = ", ".join(p.parent.name for p in sorted((course / "assignments").glob("*/assignment.toml")))
        raise AssignmentError(f"Unknown assignment {name!r}; the course at {course} has: {known or 'none'}.")
    try:
        config = tomllib.loads(config_path.read_text())
        hidden = config.get("hidden", {})
        return Assignment(
            name=name, title=config["title"], module=config["module"], functions=tuple(config["functions"]),
            public_dir=config_path.parent, reference_dir=course / "reference" / name,
            banned={function: tuple(group["calls"]) for group in config.get("banned", [])
                    for function in group["functions"]},
            timeout=float(config.get("timeout", 10.0)),
            hidden_tests=int(hidden.get("tests", 0)), hidden_points=float(hidden.get("points", 0)),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise AssignmentError(f"Invalid {config_path}: {type(error).__name__}: {error}.") from None
