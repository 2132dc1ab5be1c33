"""Draw a Plot (plain data) as a matplotlib Figure, and the Figure as PNG bytes for feedback.html.

    Plot --figure()--> Figure (one Axes; each series one artist labelled as in the legend) --png()--> bytes

Figures are made without pyplot, as exporters/summary.py makes its charts: savefig renders with Agg, so drawing needs no
display and changes no global backend. Colours follow a series' group and styles its role: the student's
solid, light and filled, the reference's or expected values dark, dashed and drawn on top, so that where the
two agree the dashes lie on the student's line. A surface (a loss landscape) is drawn as grey contour lines under the
series and sets the axes' limits, so a path that runs off to infinity leaves the frame instead of squashing it.
"""
import functools
import io
import math

from autograder.plotdata import BAND, BARS, HISTOGRAM, LINE, PATH, POINTS, STUDENT, Plot, Series

WIDTH = 6.0  # inches, at DPI
AXES_HEIGHT, SURFACE_AXES_HEIGHT = 2.5, 3.4
TOP, BOTTOM, SLANTED_BOTTOM = 0.12, 0.5, 0.85  # inches above the axes, and below them for ticks and the x label
LEGEND_ROW, LEGEND_PAD = 0.2, 0.1
LEFT, RIGHT = 0.12, 0.98  # of the width
DPI = 96
PALETTE_COLORS = 256
DRAWN_KEPT = 64  # PNGs of a few tens of kB each
# Per group, the student's colour and a darker one for what is expected: dark dashes on a light line show
# agreement where they coincide.
GROUP_COLORS = ("#4a90d9", "#e0554f", "#4caf50", "#a17fd1", "#f0a030", "#a0776a")
EXPECTED_COLORS = ("#0b3c66", "#7a1010", "#145214", "#4b2d6b", "#8a4500", "#4a2c25")
CONTOUR_LEVELS = 14
CONTOUR_COLOR = "#9a9a9a"
SLANT_FROM = 12  # characters of the longest category label, from which the labels are slanted
WIDE_LABEL = 40  # characters of a legend label, from which the legend has one column instead of two
TICKS = 6  # at most, on each axis
TICK_STEPS = (1, 2, 5, 10)  # no tick at 2.5 rows
MAX_DECADE = 308  # of a float64
BAR_SPAN = 0.8  # of a category's width, shared by its bars
NOT_FINITE = "{count} of the points of {label} are not finite (NaN or infinite) and are not drawn."
NOT_POSITIVE = "{count} of the values of {label} are zero or negative and cannot be drawn on the log scale."


def figure(plot: Plot):
    """Draw `plot` on a new Figure and return it; each series' artist carries the series' label.

    The legend sits under the axes, where it hides no data; the figure grows to hold it.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, NullLocator

    width, height = pixels(plot)
    shown = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    top, below = _margins(plot)
    # Fixed margins: a layout engine would measure every label first, doubling the time a plot takes.
    shown.subplots_adjust(left=LEFT, right=RIGHT, top=1 - top * DPI / height, bottom=below * DPI / height)
    axes = shown.subplots()
    if plot.surface:
        _draw_surface(axes, plot.surface)
    bar_series = [series for series in plot.series if series.kind == BARS]
    for series in plot.series:
        _DRAWERS[series.kind](axes, series, _style(series), bar_series)
    if not plot.surface and not plot.categories:
        _span_every_x(axes, plot)
    # Few ticks: each costs a few milliseconds to lay out, and six say enough. No tick at half a row or step.
    axes.xaxis.set_major_locator(MaxNLocator(nbins=TICKS, steps=TICK_STEPS, integer=_whole(plot, "x")))
    if plot.log_y:
        axes.set_yscale("log")
        axes.yaxis.set_minor_locator(NullLocator())  # dozens of minor ticks would cost more than the rest
        _round_decades(axes)
    else:
        axes.yaxis.set_major_locator(MaxNLocator(nbins=TICKS, steps=TICK_STEPS, integer=_whole(plot, "y")))
        if _whole(plot, "y"):
            _room_for_whole_numbers(axes)
    if plot.categories:
        slanted = _slanted(plot)
        axes.set_xticks(range(len(plot.categories)), plot.categories, fontsize=8, rotation=18 if slanted else 0,
                        ha="right" if slanted else "center")
    axes.set_xlabel(plot.x_label)
    axes.set_ylabel(plot.y_label)
    axes.grid(alpha=0.25)
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        shown.legend(handles, labels, loc="lower center", ncols=_legend_shape(plot)[1], fontsize=8, frameon=False,
                     borderaxespad=0.3)
    return shown


@functools.lru_cache(maxsize=DRAWN_KEPT)
def png(plot: Plot) -> bytes:
    """Render `plot` as PNG bytes, in PALETTE_COLORS colours: a third of the size of full colour, the same to
    the eye, so that a page with many plots stays small enough for an LMS and for a class's folders.

    Kept for the next identical plot: in a class, students whose code makes the same mistake (or does nothing)
    send back the same values, and a batch worker then draws their plot once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # matplotlib's own dependency

    canvas = FigureCanvasAgg(figure(plot))
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    palette = image.convert("RGB").quantize(PALETTE_COLORS, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(plot: Plot) -> tuple[int, int]:
    """The PNG's width and height, so that a page keeps the image's place before it is decoded."""
    top, below = _margins(plot)
    axes = SURFACE_AXES_HEIGHT if plot.surface else AXES_HEIGHT
    return round(WIDTH * DPI), round((top + axes + below) * DPI)


def caveats(plot: Plot) -> list[str]:
    """Sentences on the student's values a reader cannot see in the picture: not finite, or off a log scale."""
    said = []
    for series in plot.series:
        if series.role != STUDENT:
            continue
        missing = sum(1 for x, *ys in zip(series.x, series.y, *([series.upper] if series.upper else []))
                      if any(math.isnan(value) for value in (x, *ys)))
        if missing:
            said.append(NOT_FINITE.format(count=missing, label=series.label))
        below = sum(1 for value in series.y if value <= 0)
        if plot.log_y and below:
            said.append(NOT_POSITIVE.format(count=below, label=series.label))
    return said


def _margins(plot: Plot) -> tuple[float, float]:
    """Inches above the axes, and below them for the ticks, the x label and the legend."""
    rows, _ = _legend_shape(plot)
    legend = rows * LEGEND_ROW + LEGEND_PAD if rows else 0.0
    return TOP, (SLANTED_BOTTOM if _slanted(plot) else BOTTOM) + legend


def _legend_shape(plot: Plot) -> tuple[int, int]:
    """Rows and columns of the legend: one entry per series and one for a surface's contours."""
    labels = [series.label for series in plot.series] + ([plot.surface.label] if plot.surface else [])
    columns = 1 if any(len(label) > WIDE_LABEL for label in labels) else 2
    return math.ceil(len(labels) / columns), columns


def _slanted(plot: Plot) -> bool:
    return bool(plot.categories) and max(map(len, plot.categories)) > SLANT_FROM


def _span_every_x(axes, plot: Plot) -> None:
    """Keep every x in view, also where the y values are not finite (records NaN after a stop), which
    autoscaling would drop, making a stopped run look like a short one."""
    xs = [x for series in plot.series for x in series.x if math.isfinite(x)]
    if xs and min(xs) < max(xs):
        margin = 0.03 * (max(xs) - min(xs))
        axes.set_xlim(min(xs) - margin, max(xs) + margin)


def _round_decades(axes) -> None:
    """Put a log axis' ticks at powers of ten a round number of decades apart (1, 2, 5, 10, 20...), where
    matplotlib's own would step from 10^-7 by 19 decades to reach a diverging loss's 10^126."""
    from matplotlib.ticker import FixedLocator

    low, high = axes.get_ylim()
    if not 0 < low < high:
        return
    first, last = math.floor(math.log10(low)), min(math.ceil(math.log10(high)), MAX_DECADE)
    stride = next(step * 10 ** power for power in range(4) for step in TICK_STEPS[:3]
                  if (last - first) / (step * 10 ** power) <= TICKS)
    axes.yaxis.set_major_locator(FixedLocator([10.0 ** decade for decade in range(first - first % stride, last + 1,
                                                                                   stride)]))


def _room_for_whole_numbers(axes) -> None:
    """Give whole numbers that barely vary (sizes all right, all 0) a unit of room on each side, so that their
    ticks are whole too and a point one off stands clear of the rest."""
    low, high = axes.get_ylim()
    if high - low < 3:
        middle = round((low + high) / 2)
        axes.set_ylim(middle - 1.5, middle + 1.5)


def _whole(plot: Plot, axis: str) -> bool:
    """Whether every x (or y) of the plot is a whole number, as epochs, rows, sizes and counts are."""
    numbers = [value for series in plot.series for value in (series.x if axis == "x" else series.y + series.upper)
               if math.isfinite(value)]
    return bool(numbers) and all(value == int(value) for value in numbers)


def _style(series: Series) -> dict:
    if series.role == STUDENT:
        return {"color": GROUP_COLORS[series.group % len(GROUP_COLORS)], "linestyle": "-", "linewidth": 2.4,
                "zorder": 3}
    return {"color": EXPECTED_COLORS[series.group % len(EXPECTED_COLORS)], "linestyle": (0, (4, 2.5)),
            "linewidth": 1.4, "zorder": 4}


def _draw_line(axes, series: Series, style: dict, _bars) -> None:
    axes.plot(series.x, series.y, label=series.label, **style)


def _draw_points(axes, series: Series, style: dict, _bars) -> None:
    filled = series.role == STUDENT
    axes.scatter(series.x, series.y, s=14, label=series.label, color=style["color"], zorder=style["zorder"],
                 alpha=0.55 if filled else 0.9, marker="o" if filled else "x", linewidths=1.0)


def _draw_path(axes, series: Series, style: dict, _bars) -> None:
    thinner = {**style, "linewidth": 1.6 if series.role == STUDENT else 1.3}  # steps close together stay apart
    axes.plot(series.x, series.y, label=series.label, marker="." if series.role == STUDENT else None,
              markersize=4, **thinner)
    if series.x:
        axes.plot(series.x[:1], series.y[:1], marker="o", markersize=7, color=style["color"], linestyle="none",
                  zorder=style["zorder"], label="_start")  # the start, left out of the legend


def _draw_band(axes, series: Series, style: dict, _bars) -> None:
    axes.fill_between(series.x, series.y, series.upper, color=style["color"], alpha=0.16, linewidth=0,
                      label=series.label, zorder=1)


def _draw_bars(axes, series: Series, style: dict, bars: list[Series]) -> None:
    width = BAR_SPAN / len(bars)
    offset = (bars.index(series) - (len(bars) - 1) / 2) * width
    positions = [x + offset for x in series.x]
    if series.role == STUDENT:
        axes.bar(positions, series.y, width, label=series.label, color=style["color"], alpha=0.8, zorder=3)
    else:
        axes.bar(positions, series.y, width, label=series.label, facecolor="none", edgecolor=style["color"],
                 hatch="///", linewidth=1.2, zorder=4)


def _draw_histogram(axes, series: Series, style: dict, _bars) -> None:
    if series.role == STUDENT:
        axes.stairs(series.y, series.x, fill=True, alpha=0.45, color=style["color"], label=series.label, zorder=3)
    else:
        axes.stairs(series.y, series.x, label=series.label, **style)


def _draw_surface(axes, surface) -> None:
    """Grey contour lines of the surface, spaced in log(z) where it spans decades; the axes fit its grid."""
    import numpy as np

    z = np.array(surface.z, dtype=float)
    finite = z[np.isfinite(z)]
    positive = finite[finite > 0]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if surface.log and positive.size and high > positive.min():
            levels = np.geomspace(positive.min(), high, CONTOUR_LEVELS + 2)[1:-1]
        else:
            levels = np.linspace(low, high, CONTOUR_LEVELS + 2)[1:-1]
        if high > low:
            axes.contour(surface.x, surface.y, z, levels=levels, colors=CONTOUR_COLOR, linewidths=0.7, zorder=1)
            axes.plot([], [], color=CONTOUR_COLOR, linewidth=0.7, label=surface.label)  # its entry in the legend
    axes.set_xlim(min(surface.x), max(surface.x))
    axes.set_ylim(min(surface.y), max(surface.y))
    axes.set_autoscale_on(False)


_DRAWERS = {LINE: _draw_line, POINTS: _draw_points, PATH: _draw_path, BAND: _draw_band, BARS: _draw_bars,
            HISTOGRAM: _draw_histogram}
