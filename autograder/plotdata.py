"""Plots as plain data: what an assignment's plot declarations return, what a Report carries, what gets drawn.

    assignments/<name>/plots.py --(student's numbers, the reference's or the expected ones)--> Plot
    Plot --Report.plots, grade.json (to_dict / from_dict)--> autograder.report.plots --> a PNG in feedback.html

A Plot is one set of axes: its series (each a role: the student's, the reference's, or expected values the
grader computes without the reference), an optional surface drawn as contour lines under them (a loss
landscape), and a note saying what the reader sees. Numbers are kept to SIGNIFICANT digits, more than any
eye tells apart, so a report with plots stays small on disk; a value that is not finite is kept as NaN, which
draws as a gap, and said in the caption.
"""
import importlib
import math
from dataclasses import dataclass

PLOTS_FAILING, PLOTS_ALL, PLOTS_NONE = "failing", "all", "none"  # whose plots grading draws: `grade --plots`
PLOT_CHOICES = (PLOTS_FAILING, PLOTS_ALL, PLOTS_NONE)
STUDENT, REFERENCE, EXPECTED = "student", "reference", "expected"
ROLES = (STUDENT, REFERENCE, EXPECTED)
LINE, POINTS, PATH, BAND, BARS, HISTOGRAM = "line", "points", "path", "band", "bars", "histogram"
KINDS = (LINE, POINTS, PATH, BAND, BARS, HISTOGRAM)
SIGNIFICANT = 7
MAX_POINTS = 20_000  # values in one series: a plot is read by eye, and a report is stored per student
# What drawing needs (Agg: savefig's), here so grading can preload it without importing the report's renderers.
MATPLOTLIB_MODULES = ("matplotlib.figure", "matplotlib.ticker", "matplotlib.backends.backend_agg", "PIL.Image")


@dataclass(frozen=True)
class Series:
    """One thing drawn: a line, points, a path in a plane, a band (y to upper), bars or a histogram.

    A histogram's x holds the bin edges, one more than its counts in y; bars stand at x = 0, 1, ... under the
    plot's categories. Series of one `group` share a colour: the student's solid, the expected dashed.
    """
    label: str
    kind: str
    role: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    upper: tuple[float, ...] = ()
    group: int = 0


@dataclass(frozen=True)
class Surface:
    """A function of two variables on a grid, drawn as contour lines: z[i][j] is its value at (x[j], y[i])."""
    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    z: tuple[tuple[float, ...], ...]
    log: bool = True  # levels spaced evenly in log(z), for landscapes spanning decades


@dataclass(frozen=True)
class Plot:
    """One set of axes explaining a failure of `function`; `problem` says why it could not be drawn."""
    function: str = ""
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    series: tuple[Series, ...] = ()
    log_y: bool = False
    categories: tuple[str, ...] = ()  # tick labels under bars
    surface: Surface | None = None
    note: str = ""
    problem: str = ""

    def __post_init__(self):  # declarations may give lists; a stored plot, read back, holds tuples
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "categories", tuple(self.categories))

    @property
    def drawn(self) -> bool:
        return not self.problem

    @classmethod
    def from_dict(cls, data: dict) -> "Plot":
        """Rebuild a plot written by dataclasses.asdict (and read back from JSON)."""
        series = tuple(Series(**{**item, "x": tuple(item["x"]), "y": tuple(item["y"]), "upper": tuple(item["upper"])})
                       for item in data["series"])
        surface = data["surface"] and Surface(data["surface"]["label"], tuple(data["surface"]["x"]),
                                              tuple(data["surface"]["y"]),
                                              tuple(tuple(row) for row in data["surface"]["z"]), data["surface"]["log"])
        return cls(**{**data, "series": series, "categories": tuple(data["categories"]), "surface": surface})


def line(label: str, x, y, role: str = STUDENT, group: int = 0) -> Series:
    """A line through (x, y)."""
    return Series(label, LINE, _role(role), values(x), values(y), group=group)


def points(label: str, x, y, role: str = STUDENT, group: int = 0) -> Series:
    """Unconnected points (x, y), e.g. one per call of a random function."""
    return Series(label, POINTS, _role(role), values(x), values(y), group=group)


def path(label: str, xy, role: str = STUDENT, group: int = 0) -> Series:
    """A path through points (x, y) given as rows, its start marked: weights or parameters step after step."""
    rows = [tuple(row) for row in xy]
    return Series(label, PATH, _role(role), values([row[0] for row in rows]), values([row[1] for row in rows]),
                  group=group)


def band(label: str, x, low, high, role: str = EXPECTED, group: int = 0) -> Series:
    """The region between `low` and `high` over x, e.g. where a correct random function's counts fall."""
    return Series(label, BAND, _role(role), values(x), values(low), values(high), group=group)


def bars(label: str, heights, role: str = STUDENT, group: int = 0) -> Series:
    """One bar per category of the plot, side by side with the other bar series."""
    heights = values(heights)
    return Series(label, BARS, _role(role), tuple(float(i) for i in range(len(heights))), heights, group=group)


def histogram(label: str, edges, counts, role: str = STUDENT, group: int = 0) -> Series:
    """Counts per bin between consecutive `edges`."""
    edges, counts = values(edges), values(counts)
    if len(edges) != len(counts) + 1:
        raise ValueError(f"a histogram needs one edge more than its {len(counts)} counts, not {len(edges)}")
    return Series(label, HISTOGRAM, _role(role), edges, counts, group=group)


def surface(label: str, x, y, z, log: bool = True) -> Surface:
    """A surface from its grid: z as rows, one per y, each one value per x."""
    rows = tuple(values(row) for row in z)
    if len(rows) != len(values(y)) or any(len(row) != len(values(x)) for row in rows):
        raise ValueError("a surface needs one row of z per y, each with one value per x")
    return Surface(label, values(x), values(y), rows, log)


def load_matplotlib() -> None:
    """Import what drawing needs (about half a second, once per process), e.g. in a thread while tests run."""
    for module in MATPLOTLIB_MODULES:
        importlib.import_module(module)


def values(numbers) -> tuple[float, ...]:
    """Numbers (a list, tuple or numpy array) as a tuple of floats to SIGNIFICANT digits; inf becomes NaN."""
    listed = numbers.tolist() if hasattr(numbers, "tolist") else list(numbers)
    if len(listed) > MAX_POINTS:
        raise ValueError(f"a series of {len(listed)} values is over the {MAX_POINTS} a plot may hold")
    return tuple(_rounded(float(number)) for number in listed)


def _rounded(number: float) -> float:
    return float(f"{number:.{SIGNIFICANT}g}") if math.isfinite(number) else math.nan


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return role
