"""Published reference figures (time to fill, offer acceptance) shown next to the scorecard.

They live in one data file, ``bot/data/reference_figures.json``, each with its source and year,
so that a figure can be updated without touching code and nobody mistakes it for a target:
the scorecard always shows it as *context* ("context: about 44 days — Bersin/AMS 2023").

The file ships inside the package and is read once, through ``importlib.resources`` (so it
works from a wheel as well as from a checkout), and validated with pydantic: a figure
without a source or a year fails loudly at the first use instead of showing a bare number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

DATA_FILE = "reference_figures.json"


class ReferenceFigure(BaseModel):
    """One published figure: what it measures, its value and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The scorecard Figure.key it stands next to ("time_to_fill_days", "offer_acceptance").
    metric: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    value: float = Field(gt=0)
    unit: str = Field(min_length=1, max_length=20)
    source: str = Field(min_length=1)
    # How the one-line context names the source ("Bersin/AMS").
    short_source: str = Field(min_length=1, max_length=40)
    year: int = Field(ge=1990, le=2100)
    url: HttpUrl | None = None
    # How the source measures it, for the export and anyone checking the comparison.
    definition: str = Field(min_length=1)

    @field_validator("source", "short_source", "definition")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be blank")
        return text

    def context_line(self) -> str:
        """The text shown next to the metric: "context: about 44 days — Bersin/AMS 2023"."""
        return f"context: about {self.amount()} — {self.short_source} {self.year}"

    def amount(self) -> str:
        """The value with its unit: "44 days", "84%"."""
        number = f"{self.value:g}"
        return f"{number}%" if self.unit == "%" else f"{number} {self.unit}"


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    about: str = Field(min_length=1)
    figures: tuple[ReferenceFigure, ...] = Field(min_length=1)

    @field_validator("figures")
    @classmethod
    def _one_per_metric(cls, figures: tuple[ReferenceFigure, ...]) -> tuple[ReferenceFigure, ...]:
        metrics = [figure.metric for figure in figures]
        if len(set(metrics)) != len(metrics):
            raise ValueError(f"a metric has two reference figures: {sorted(metrics)}")
        return figures


def parse_reference_figures(text: str) -> Mapping[str, ReferenceFigure]:
    """The figures in ``text`` (the data file's JSON), by metric key; raises if invalid."""
    parsed = _File.model_validate(json.loads(text))
    return MappingProxyType({figure.metric: figure for figure in parsed.figures})


@cache
def reference_figures() -> Mapping[str, ReferenceFigure]:
    """Every reference figure, by metric key, read from the packaged file once per process."""
    text = resources.files("bot").joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_reference_figures(text)


def reference_for(metric: str) -> ReferenceFigure | None:
    """The published figure for ``metric``, or None: most metrics have none."""
    return reference_figures().get(metric)


def context_line(metric: str) -> str | None:
    """The one line shown next to ``metric`` ("context: about 84% — PwC Saratoga 2022")."""
    figure = reference_for(metric)
    return figure.context_line() if figure else None
