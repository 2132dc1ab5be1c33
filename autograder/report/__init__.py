"""What a grading run found: one result per test, and what the student should know besides."""
import dataclasses
import enum
from dataclasses import dataclass

from autograder.plotdata import Plot

GRADED = "graded"
NOT_GRADED = "could not be graded: {reason}"


class Status(str, enum.Enum):
    """How a test ended: passed, failed (the student lost its points) or error (the grader itself failed).

    A str whose every printing is its value, as the bare strings it replaces were, so results.json, grade.json
    and each page keep their words (Python 3.10 has no StrEnum; 3.11 would print `Status.PASSED` in f-strings).
    """
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


PASSED, FAILED, ERROR = Status.PASSED, Status.FAILED, Status.ERROR


@dataclass(frozen=True)
class TestResult:
    name: str            # "<function or class>: <what it checks>"
    score: float
    max_score: float
    status: Status       # PASSED, FAILED, or ERROR for a fault of the grader itself
    feedback: str        # the sentence for a lost point; empty when passed
    hidden: bool         # from the instructor's hidden suite rather than the public tests
    number: int
    mistake: str | None = None  # the known mistake the failure matched, for class-wide counts

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))  # "passed" read back from JSON; a typo raises

    @property
    def function(self) -> str:
        return self.name.split(":", 1)[0]


@dataclass(frozen=True)
class Report:
    assignment: str
    title: str
    submission: str
    results: tuple[TestResult, ...]
    notes: tuple[str, ...] = ()           # skipped cells, statements that failed to load, protections missing
    layers: tuple[str, ...] = ()          # what confined the student's code
    duration: float = 0.0
    hidden_not_run: tuple[int, float] = (0, 0.0)  # tests and points the student cannot see here
    plots: tuple[Plot, ...] = ()          # what explains the failures, for feedback.html

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    @property
    def all_passed(self) -> bool:
        return all(r.status == PASSED for r in self.results)

    @property
    def not_graded_reason(self) -> str | None:
        """Why no test could judge the submission (it did not load, grading failed), else None.

        Then every test fails with one and the same sentence; a single test failing says so only when the
        grader itself failed, since one ordinary failure looks the same.
        """
        sentences = {result.feedback for result in self.results}
        if not self.results or len(sentences) != 1 or any(r.status == PASSED for r in self.results):
            return None
        if len(self.results) == 1 and self.results[0].status != ERROR:
            return None
        return sentences.pop()

    @property
    def status(self) -> str:
        """`graded`, or `could not be graded: <why>`, for a class's tables."""
        reason = self.not_graded_reason
        return GRADED if reason is None else NOT_GRADED.format(reason=reason)

    def to_dict(self) -> dict:
        """Plain data for JSON, e.g. to keep a batch's results on disk: each status as its value."""
        return _plain(self)

    @classmethod
    def ungraded(cls, assignment: str, title: str, submission: str, tests, sentence: str,
                 status: Status = FAILED) -> "Report":
        """Every test in `tests` at 0 with `sentence`: why the submission could not be graded (a note if no test)."""
        results = tuple(dataclasses.replace(test, score=0.0, status=status, feedback=sentence) for test in tests)
        return cls(assignment, title, submission, results, notes=() if results else (sentence,))

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """Rebuild a report written by to_dict, each status a Status again."""
        fields = {**data, "results": tuple(TestResult(**result) for result in data["results"]),
                  "notes": tuple(data["notes"]), "layers": tuple(data["layers"]),
                  "hidden_not_run": tuple(data["hidden_not_run"]),
                  "plots": tuple(Plot.from_dict(plot) for plot in data.get("plots", ()))}
        return cls(**fields)


def _plain(value):
    """What dataclasses.asdict makes of `value`, with each Status as its value, so JSON holds no enum; but without
    copying: every leaf of a report is immutable, and asdict deep-copies each number of each plot, one by one."""
    kind = type(value)
    if kind in _LEAVES:  # exact types: a Status is a str too
        return value
    if kind is tuple or kind is list:
        return kind(_plain(item) for item in value)
    if kind is Status:
        return value.value
    if dataclasses.is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    return value


_LEAVES = frozenset({str, float, int, bool, type(None)})
