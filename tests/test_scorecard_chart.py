"""The scorecard chart is a valid, deterministic PNG that reads without colour and says
"no data yet" instead of drawing zeros; and the reference figures shown next to the numbers
load with their sources.

Rendering time is not asserted here: the chart's benchmark lives in bench/.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zlib

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb, to_rgba
from matplotlib.image import imread
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from pydantic import ValidationError

from bot.blocks.scorecard_chart import (
    FEEDBACK_COLOUR,
    HEIGHT_PX,
    HM_COLOUR,
    NO_DATA,
    OKABE_ITO,
    RECRUITER_COLOUR,
    TIME_TO_FILL_COLOUR,
    WIDTH_PX,
    ChartData,
    build_figure,
    chart_alt_text,
    render_chart,
)
from bot.services import reference_figures
from bot.services.reference_figures import (
    ReferenceFigure,
    context_line,
    parse_reference_figures,
    reference_for,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SERIES_COLOURS = (TIME_TO_FILL_COLOUR, FEEDBACK_COLOUR, RECRUITER_COLOUR, HM_COLOUR)

FULL = ChartData(
    title="Senior Backend Engineer",
    months=["2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"],
    time_to_fill_days=[52, None, 41, 38, None, 35],
    feedback_on_time=[0.6, 0.7, None, 0.85, 0.9, 0.92],
    recruiter_contract_kept=0.88,
    hm_contract_kept=0.71,
)
EMPTY = ChartData(
    title="Nothing yet",
    months=["2027-01", "2027-02", "2027-03"],
    time_to_fill_days=[None, None, None],
    feedback_on_time=[None, None, None],
    recruiter_contract_kept=None,
    hm_contract_kept=None,
)


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks as (type, data), checking each CRC on the way."""
    assert png[:8] == PNG_MAGIC
    found = []
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + data) == crc
        found.append((kind, data))
        position += 12 + length
    return found


def texts(axes) -> list[str]:
    return [t.get_text() for t in axes.findobj(Text) if t.get_text()]


def pixels(png: bytes) -> set[str]:
    image = imread(io.BytesIO(png), format="png")
    rgb = np.rint(image[..., :3] * 255).astype(np.uint32).reshape(-1, 3)
    packed = np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])
    return {f"#{int(value):06x}" for value in packed}


def luminance(colour: str) -> float:
    """WCAG relative luminance."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- the PNG --------------------------------------------------------------------------------


def test_a_valid_png_of_the_promised_size() -> None:
    png = render_chart(FULL)
    kinds = [kind for kind, _ in chunks(png)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    width, height = struct.unpack(">II", chunks(png)[0][1][:8])
    assert (width, height) == (WIDTH_PX, HEIGHT_PX) == (1200, 675)
    image = imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (675, 1200)


def test_the_same_data_gives_the_same_bytes_and_no_stamps() -> None:
    png = render_chart(FULL)
    assert render_chart(FULL) == png
    assert render_chart(ChartData(**{**FULL.__dict__, "months": list(FULL.months)})) == png
    kinds = {kind for kind, _ in chunks(png)}
    assert b"tIME" not in kinds
    text = b"".join(data for kind, data in chunks(png) if kind in {b"tEXt", b"iTXt", b"zTXt"})
    assert b"Software" not in text and b"atplotlib" not in text


def test_different_data_gives_a_different_picture() -> None:
    changed = ChartData(**{**FULL.__dict__, "hm_contract_kept": 0.2})
    assert render_chart(changed) != render_chart(FULL)


# --- what it shows --------------------------------------------------------------------------


def test_every_bar_carries_its_value() -> None:
    figure = build_figure(FULL)
    fill, feedback, sides = figure.axes
    bars = [p for p in sides.patches if isinstance(p, Rectangle)]
    assert sorted(round(bar.get_height()) for bar in bars) == [71, 88]
    assert {"88%", "71%"} <= set(texts(sides))
    assert {"Recruiter", "HM"} <= {label.get_text() for label in sides.get_xticklabels()}
    assert "35 d" in texts(fill)
    assert "92%" in texts(feedback)
    assert "Senior Backend Engineer" in [t.get_text() for t in figure.findobj(Text)]


def test_a_month_without_data_is_a_gap_not_zero() -> None:
    fill, feedback, _ = build_figure(FULL).axes
    (line,) = fill.get_lines()
    ys = list(line.get_ydata())
    assert math.isnan(ys[1]) and math.isnan(ys[4])
    assert ys[0] == 52 and ys[5] == 35
    (line,) = feedback.get_lines()
    ys = list(line.get_ydata())
    assert math.isnan(ys[2])
    assert ys[0] == pytest.approx(60)


def test_all_none_renders_and_says_no_data_yet() -> None:
    png = render_chart(EMPTY)
    assert png[:8] == PNG_MAGIC
    fill, feedback, sides = build_figure(EMPTY).axes
    assert NO_DATA in texts(fill)
    assert NO_DATA in texts(feedback)
    assert texts(sides).count("no data\nyet") == 2
    assert fill.get_lines() == [] and feedback.get_lines() == []
    assert not [p for p in sides.patches if isinstance(p, Rectangle)]
    # No zero was drawn anywhere in place of the missing numbers.
    assert "0 d" not in texts(fill) and "0%" not in texts(sides)


def test_no_months_at_all() -> None:
    data = ChartData(
        title="",
        months=[],
        time_to_fill_days=[],
        feedback_on_time=[],
        recruiter_contract_kept=None,
        hm_contract_kept=1.0,
    )
    assert render_chart(data)[:8] == PNG_MAGIC
    fill, feedback, sides = build_figure(data).axes
    assert NO_DATA in texts(fill) and NO_DATA in texts(feedback)
    assert "100%" in texts(sides) and "no data\nyet" in texts(sides)


def test_a_zero_share_is_a_zero_not_no_data() -> None:
    data = ChartData(**{**EMPTY.__dict__, "recruiter_contract_kept": 0.0})
    _, _, sides = build_figure(data).axes
    assert "0%" in texts(sides)
    assert texts(sides).count("no data\nyet") == 1


def test_two_years_of_months_keep_few_ticks() -> None:
    months = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
    data = ChartData(
        title="Team",
        months=months,
        time_to_fill_days=[40.0] * 24,
        feedback_on_time=[0.5] * 24,
        recruiter_contract_kept=0.5,
        hm_contract_kept=0.5,
    )
    _, feedback, _ = build_figure(data).axes
    labels = [label.get_text() for label in feedback.get_xticklabels()]
    assert len(labels) <= 6
    assert labels[0] == "Jan\n2025"
    assert "Jan\n2026" in labels


def test_a_title_is_text_not_mathtext_and_is_cut_short() -> None:
    title = "Pay $x^2$ \\frac{a}{b} 🎉 " + "long " * 40 + "\x00\u202e"
    data = ChartData(**{**FULL.__dict__, "title": title})
    assert render_chart(data)[:8] == PNG_MAGIC
    figure = build_figure(data)
    shown = figure.get_suptitle()
    assert shown.startswith("Pay $x^2$ \\frac{a}{b} long")
    assert len(shown) <= 70 and shown.endswith("…")
    assert "🎉" not in shown and "\x00" not in shown and "\u202e" not in shown


def test_alt_text_says_the_numbers_in_words() -> None:
    assert chart_alt_text(FULL) == (
        "Senior Backend Engineer. Time to fill: 35 days in Mar 2027. "
        "Feedback on time: 92% in Mar 2027. Contract kept by the recruiter: 88%. "
        "Contract kept by the hiring manager: 71%."
    )
    assert chart_alt_text(EMPTY) == (
        "Nothing yet. Time to fill: no data yet. Feedback on time: no data yet. "
        "Contract kept by the recruiter: no data yet. "
        "Contract kept by the hiring manager: no data yet."
    )


@pytest.mark.parametrize(
    "change",
    [
        {"months": ["2027-1", "2027-02", "2027-03"]},
        {"months": ["2027-13", "2027-02", "2027-03"]},
        {"months": ["2027-01", "2027-01", "2027-03"]},
        {"time_to_fill_days": [1.0, 2.0]},
        {"time_to_fill_days": [-1.0, None, None]},
        {"time_to_fill_days": [math.inf, None, None]},
        {"feedback_on_time": [1.5, None, None]},
        {"feedback_on_time": [math.nan, None, None]},
        {"recruiter_contract_kept": -0.1},
        {"hm_contract_kept": 84.0},
    ],
)
def test_impossible_data_is_refused(change: dict) -> None:
    with pytest.raises(ValueError):
        ChartData(**{**EMPTY.__dict__, **change})


# --- colours --------------------------------------------------------------------------------


def artist_colours(figure) -> set[str]:
    """Every colour any artist of the figure paints with (fully transparent ones aside)."""
    found: set[str] = set()
    for artist in figure.findobj():
        for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_markerfacecolor"):
            if not hasattr(artist, getter):
                continue
            value = getattr(artist, getter)()
            values = value if hasattr(value, "ndim") and value.ndim == 2 else [value]
            for colour in values:
                if isinstance(colour, str) and colour in {"none", "auto"}:
                    continue
                rgba = to_rgb(colour) if not _transparent(colour) else None
                if rgba is not None:
                    found.add(to_hex(rgba))
    return found


def _transparent(colour) -> bool:
    return to_rgba(colour)[3] == 0


def is_grey(colour: str) -> bool:
    r, g, b = to_rgb(colour)
    return r == g == b


def test_every_colour_is_okabe_ito_or_a_neutral_grey() -> None:
    palette = {colour.lower() for colour in OKABE_ITO.values()}
    assert {c.lower() for c in SERIES_COLOURS} <= palette
    assert len(set(SERIES_COLOURS)) == 4
    for data in (FULL, EMPTY):
        colours = artist_colours(build_figure(data))
        hues = {c for c in colours if not is_grey(c)}
        assert hues <= palette, hues - palette
    assert {c.lower() for c in SERIES_COLOURS} <= artist_colours(build_figure(FULL))


def test_the_series_colours_are_really_in_the_picture() -> None:
    found = pixels(render_chart(FULL))
    for colour in SERIES_COLOURS:
        assert colour.lower() in found


def test_it_still_reads_in_greyscale() -> None:
    figure = build_figure(FULL)
    fill, feedback, sides = figure.axes
    (fill_line,) = fill.get_lines()
    (feedback_line,) = feedback.get_lines()
    assert isinstance(fill_line, Line2D)
    assert fill_line.get_marker() != feedback_line.get_marker()
    assert fill_line.get_linestyle() != feedback_line.get_linestyle()
    recruiter, hm = (p for p in sides.patches if isinstance(p, Rectangle))
    assert recruiter.get_hatch() and hm.get_hatch()
    assert recruiter.get_hatch() != hm.get_hatch()
    # The two sides also differ in lightness, not only in hue.
    assert abs(luminance(RECRUITER_COLOUR) - luminance(HM_COLOUR)) > 0.1


def test_lines_stand_out_from_the_white_background() -> None:
    # WCAG 2.1 non-text contrast (1.4.11): at least 3:1 for the parts of a graphic one needs.
    for colour in (TIME_TO_FILL_COLOUR, FEEDBACK_COLOUR):
        assert contrast(colour, "#ffffff") >= 3
    # The lighter bar fills get a dark outline, which is what meets the ratio.
    _, _, sides = build_figure(FULL).axes
    for bar in (p for p in sides.patches if isinstance(p, Rectangle)):
        assert contrast(to_hex(bar.get_edgecolor()), "#ffffff") >= 3


# --- reference figures ----------------------------------------------------------------------


def test_the_reference_figures_load_with_source_and_year() -> None:
    figures = reference_figures.reference_figures()
    assert set(figures) >= {"time_to_fill_days", "offer_acceptance"}
    for key, figure in figures.items():
        assert isinstance(figure, ReferenceFigure)
        assert figure.metric == key
        assert figure.source.strip() and figure.short_source.strip()
        assert 1990 <= figure.year <= 2100
        assert figure.definition.strip()
        assert figure.url is None or figure.url.scheme == "https"
    assert reference_figures.reference_figures() is figures  # read once


def test_the_context_lines() -> None:
    assert context_line("time_to_fill_days") == "context: about 44 days — Bersin/AMS 2023"
    assert context_line("offer_acceptance") == "context: about 84% — PwC Saratoga 2022"
    assert context_line("feedback_on_time") is None
    assert reference_for("nothing") is None


def test_the_data_file_is_what_the_package_ships() -> None:
    from importlib import resources

    text = resources.files("bot").joinpath("data").joinpath("reference_figures.json").read_text()
    assert json.loads(text)["about"]
    assert parse_reference_figures(text) == reference_figures.reference_figures()


@pytest.mark.parametrize(
    "change",
    [
        {"source": ""},
        {"source": "   "},
        {"year": None},
        {"year": 1900},
        {"value": 0},
        {"url": "not a url"},
        {"colour": "red"},
    ],
)
def test_a_figure_without_its_source_is_refused(change: dict) -> None:
    good = {
        "metric": "time_to_fill_days",
        "value": 44,
        "unit": "days",
        "source": "Somebody",
        "short_source": "Sb",
        "year": 2023,
        "url": "https://example.com/",
        "definition": "days",
    }
    text = json.dumps({"about": "x", "figures": [{**good, **change}]})
    with pytest.raises(ValidationError):
        parse_reference_figures(text)
    missing = {k: v for k, v in good.items() if k not in {"year"}}
    with pytest.raises(ValidationError):
        parse_reference_figures(json.dumps({"about": "x", "figures": [missing]}))


def test_two_figures_for_one_metric_are_refused() -> None:
    figure = {
        "metric": "offer_acceptance",
        "value": 84,
        "unit": "%",
        "source": "PwC",
        "short_source": "PwC",
        "year": 2022,
        "definition": "accepted / extended",
    }
    with pytest.raises(ValidationError, match="two reference figures"):
        parse_reference_figures(json.dumps({"about": "x", "figures": [figure, figure]}))
