"""The scorecard's chart: a PNG of time to fill and feedback on time by month, and each side's
share of the contract kept.

Rendered server-side with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``): no
pyplot, no display and no global figure registry, so two requests rendering at once in the
web server's threads do not share state. Pure like the other builders here: data in, bytes out.

Choices, and why:

* 1200×675 px (16:9) at 150 dpi, large type and few ticks, because Slack first shows the image
  as a ~360 px wide preview and most people never open it full size.
* Okabe–Ito colours (safe for the common colour-vision deficiencies), and each series also has
  its own marker, line style or hatching, so the chart still reads in greyscale or print.
* A month without data is a gap in the line, never a zero; a series or a side without any data
  says "no data yet" where it would be drawn. Every bar carries its value as text.
* Deterministic: the same data gives the same bytes (no software/version or time stamp in the
  PNG), so the outbox can tell an unchanged chart from a new one and tests can compare bytes.
* Titles are user text (role names): drawn with mathtext off, so a ``$`` in a title is a
  dollar sign rather than a formula (or a rendering error).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter

# Okabe & Ito (2008), "Color Universal Design": eight colours told apart by readers with
# protanopia, deuteranopia and tritanopia.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
TIME_TO_FILL_COLOUR = OKABE_ITO["blue"]
FEEDBACK_COLOUR = OKABE_ITO["vermillion"]
RECRUITER_COLOUR = OKABE_ITO["bluish_green"]
HM_COLOUR = OKABE_ITO["orange"]
# Text, axes and grid are neutral greys, so the only hues on the chart are the series'.
INK = "#222222"
MUTED = "#666666"
GRID = "#DDDDDD"

WIDTH_PX = 1200
HEIGHT_PX = 675
DPI = 150
NO_DATA = "no data yet"
MAX_TITLE = 70
MAX_MONTH_TICKS = 6
# Matplotlib's bundled font, named so every machine draws (and byte-compares) the same text.
FONT = "DejaVu Sans"

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ChartData:
    """What the chart shows; the caller turns the scorecard's figures into this.

    ``months`` are ``"2027-01"`` labels, oldest first; the two monthly series have one entry per
    month (median days to fill, share of feedback on time 0–1), None for a month without data.
    The contract-kept shares are each side's whole-period share (0–1), None without data.
    Sequences are stored as tuples so the value stays immutable and hashable.
    """

    title: str
    months: Sequence[str]
    time_to_fill_days: Sequence[float | None]
    feedback_on_time: Sequence[float | None]
    recruiter_contract_kept: float | None
    hm_contract_kept: float | None

    def __post_init__(self) -> None:
        for name in ("months", "time_to_fill_days", "feedback_on_time"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for month in self.months:
            if not _MONTH.fullmatch(month):
                raise ValueError(f"a month is written YYYY-MM, not {month!r}")
        if len(set(self.months)) != len(self.months):
            raise ValueError("a month appears twice")
        for name in ("time_to_fill_days", "feedback_on_time"):
            if len(getattr(self, name)) != len(self.months):
                raise ValueError(f"{name} needs one value per month")
        for days in self.time_to_fill_days:
            if days is not None and not (math.isfinite(days) and days >= 0):
                raise ValueError(f"days to fill must be a number of days, not {days!r}")
        shares = [*self.feedback_on_time, self.recruiter_contract_kept, self.hm_contract_kept]
        for share in shares:
            if share is not None and not (math.isfinite(share) and 0 <= share <= 1):
                raise ValueError(f"a share goes from 0 to 1, not {share!r}")


def render_chart(data: ChartData) -> bytes:
    """The chart as PNG bytes, 1200×675 px; the same data always gives the same bytes."""
    figure = build_figure(data)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def build_figure(data: ChartData) -> Figure:
    """The chart as a matplotlib Figure (for the PNG, and for tests that read its artists)."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    grid = figure.add_gridspec(2, 2, width_ratios=(1.75, 1))
    fill_axes = figure.add_subplot(grid[0, 0])
    feedback_axes = figure.add_subplot(grid[1, 0], sharex=fill_axes)
    sides_axes = figure.add_subplot(grid[:, 1])
    figure.suptitle(
        _drawable(_clean_title(data.title)),
        fontsize=16,
        fontweight="bold",
        fontfamily=FONT,
        color=INK,
        parse_math=False,
    )

    _monthly(
        fill_axes,
        data.months,
        data.time_to_fill_days,
        title="Time to fill (median days)",
        colour=TIME_TO_FILL_COLOUR,
        marker="o",
        linestyle="-",
        percent=False,
    )
    _monthly(
        feedback_axes,
        data.months,
        data.feedback_on_time,
        title="Feedback on time",
        colour=FEEDBACK_COLOUR,
        marker="s",
        linestyle="--",
        percent=True,
    )
    fill_axes.tick_params(labelbottom=False)
    _month_ticks(feedback_axes, data.months)
    _sides(sides_axes, data.recruiter_contract_kept, data.hm_contract_kept)
    return figure


def chart_alt_text(data: ChartData) -> str:
    """The chart in words, for the upload's alt text (screen readers, notifications)."""

    def latest(values: Sequence[float | None]) -> tuple[str, float] | None:
        points = [(m, v) for m, v in zip(data.months, values, strict=True) if v is not None]
        return points[-1] if points else None

    parts = [_clean_title(data.title) + "."]
    fill = latest(data.time_to_fill_days)
    parts.append(
        f"Time to fill: {fill[1]:.0f} days in {_month_name(fill[0])}."
        if fill
        else f"Time to fill: {NO_DATA}."
    )
    feedback = latest(data.feedback_on_time)
    parts.append(
        f"Feedback on time: {feedback[1]:.0%} in {_month_name(feedback[0])}."
        if feedback
        else f"Feedback on time: {NO_DATA}."
    )
    for side, share in (
        ("recruiter", data.recruiter_contract_kept),
        ("hiring manager", data.hm_contract_kept),
    ):
        kept = f"{share:.0%}" if share is not None else NO_DATA
        parts.append(f"Contract kept by the {side}: {kept}.")
    return " ".join(parts)


def _monthly(
    axes: Axes,
    months: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    colour: str,
    marker: str,
    linestyle: str,
    percent: bool,
) -> None:
    """One monthly series: a line with markers, broken where a month has no data."""
    _style(axes, title)
    scale = 100.0 if percent else 1.0
    ys = [math.nan if v is None else v * scale for v in values]
    xs = list(range(len(months)))
    known = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
    if percent:
        axes.set_ylim(0, 118)  # room above 100% for the value label
        axes.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    if not known:
        _no_data(axes)
        if not percent:
            axes.set_yticks([])
        return
    axes.plot(
        xs,
        ys,
        color=colour,
        marker=marker,
        linestyle=linestyle,
        linewidth=2.5,
        markersize=7,
        markeredgecolor=colour,
    )
    if not percent:
        top = max(y for _, y in known)
        axes.set_ylim(0, max(top * 1.3, 1))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    last_x, last_y = known[-1]
    text = f"{last_y:.0f}%" if percent else f"{last_y:.0f} d"
    axes.annotate(
        text,
        (last_x, last_y),
        xytext=(0, 8),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight="bold",
        color=INK,
    )


def _month_ticks(axes: Axes, months: Sequence[str]) -> None:
    """At most six month labels, the year shown on the first and where it changes."""
    if not months:
        axes.set_xticks([])
        return
    axes.set_xlim(-0.5, len(months) - 0.5)
    step = max(1, math.ceil(len(months) / MAX_MONTH_TICKS))
    positions = list(range(0, len(months), step))
    labels = []
    previous_year = ""
    for position in positions:
        year, month = months[position].split("-")
        name = _MONTH_NAMES[int(month) - 1]
        labels.append(f"{name}\n{year}" if year != previous_year else name)
        previous_year = year
    axes.set_xticks(positions, labels)


def _sides(axes: Axes, recruiter: float | None, hm: float | None) -> None:
    """Each side's contract-kept share: two bars with their values written on them."""
    _style(axes, "Contract kept")
    axes.set_ylim(0, 115)
    axes.yaxis.set_major_locator(FixedLocator([0, 50, 100]))
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.set_xlim(-0.6, 1.6)
    axes.set_xticks([0, 1], ["Recruiter", "HM"])
    bars = (
        (0, recruiter, RECRUITER_COLOUR, "//"),
        (1, hm, HM_COLOUR, ".."),
    )
    for x, share, colour, hatch in bars:
        if share is None:
            axes.text(
                x,
                50,
                "no data\nyet",
                ha="center",
                va="center",
                fontsize=12,
                color=MUTED,
                linespacing=1.1,
            )
            continue
        value = share * 100
        axes.bar(
            x,
            value,
            width=0.7,
            color=colour,
            edgecolor=INK,
            linewidth=1.2,
            hatch=hatch,
        )
        axes.text(
            x,
            value + 3,
            f"{value:.0f}%",
            ha="center",
            va="bottom",
            fontsize=14,
            fontweight="bold",
            color=INK,
        )


def _style(axes: Axes, title: str) -> None:
    axes.set_title(title, loc="left", fontsize=13, fontweight="bold", color=INK, pad=4)
    axes.tick_params(labelsize=11, colors=INK, length=3)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)


def _no_data(axes: Axes) -> None:
    axes.text(
        0.5,
        0.5,
        NO_DATA,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=13,
        color=MUTED,
    )


def _clean_title(title: str) -> str:
    """One line of printable text, cut to fit the chart's width."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in title)
    text = " ".join(text.split()) or "Scorecard"
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def _drawable(text: str) -> str:
    """``text`` without the characters the font has no glyph for (emoji, CJK), which would
    otherwise be drawn as empty boxes with a warning per character."""
    glyphs = _glyphs()
    kept = "".join(ch for ch in text if ord(ch) in glyphs or ch == " ")
    return " ".join(kept.split()) or "Scorecard"


@cache
def _glyphs() -> frozenset[int]:
    path = font_manager.findfont(font_manager.FontProperties(family=FONT, weight="bold"))
    return frozenset(FT2Font(path).get_charmap())


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return f"{_MONTH_NAMES[int(number) - 1]} {year}"
