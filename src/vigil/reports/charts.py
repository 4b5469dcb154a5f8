"""Static figures of products as PNG: the risk trend chart and the event map.

Drawn with matplotlib (Agg, no display) so the PDF holds real images and the HTML page can
show the same ones. The map's country outlines come from the Natural Earth 1:110m file the
web app already ships; no tile server is needed, so a situation room offline still gets
its map. Text in the images is numbers and dates only: captions, in the product's language,
sit beside the image, because matplotlib does not shape Arabic script.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.collections import PatchCollection
from matplotlib.patches import Polygon

BASEMAP = Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "countries-110m.geojson"
EVENTS_COLOUR = "#3b6ea5"
DEATHS_COLOUR = "#b03a2e"


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def trend_png(series: list[dict[str, Any]]) -> bytes:
    """Events (bars) and deaths (line) per month. Months no source covers (``covered`` is
    False, counts None) are grey hatched spans with no bar and a gap in the line: missing
    data drawn as zero would read as calm."""
    figure, axis = plt.subplots(figsize=(7.2, 2.8))
    periods = [row["period"] for row in series]
    positions = list(range(len(periods)))
    known = [row.get("covered", True) and row["events"] is not None for row in series]
    axis.bar(
        positions, [row["events"] if ok else 0 for row, ok in zip(series, known, strict=True)],
        color=EVENTS_COLOUR, alpha=0.55,
    )  # fmt: skip
    for position, ok in zip(positions, known, strict=True):
        if not ok:
            axis.axvspan(position - 0.5, position + 0.5, facecolor="#eeeeee", edgecolor="#bbbbbb",
                         hatch="///", linewidth=0)  # fmt: skip
    axis.set_ylabel("#", color=EVENTS_COLOUR)
    deaths_axis = axis.twinx()
    deaths_axis.plot(
        positions,
        [row["deaths"] if ok else float("nan") for row, ok in zip(series, known, strict=True)],
        color=DEATHS_COLOUR, marker="o", markersize=3,
    )  # fmt: skip
    deaths_axis.set_ylabel("†", color=DEATHS_COLOUR)
    axis.set_ylim(bottom=0)
    deaths_axis.set_ylim(bottom=0)
    step = max(1, len(periods) // 8)
    axis.set_xticks(positions[::step], periods[::step], rotation=30, fontsize=7)
    axis.spines["top"].set_visible(False)
    deaths_axis.spines["top"].set_visible(False)
    return _png(figure)


@cache
def _outlines() -> dict[str, list[list[tuple[float, float]]]]:
    """ISO3 → outer rings of the country's polygons."""
    data = json.loads(BASEMAP.read_text(encoding="utf-8"))
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in data.get("features", []):
        code = feature.get("properties", {}).get("ISO_A3", "")
        geometry = feature.get("geometry") or {}
        polygons = (
            [geometry["coordinates"]]
            if geometry.get("type") == "Polygon"
            else geometry.get("coordinates", [])
        )
        for polygon in polygons:
            if polygon:
                rings.setdefault(code, []).append([tuple(p[:2]) for p in polygon[0]])
    return rings


def map_png(points: list[list[float]], *, countries: list[str]) -> bytes:
    """Events as circles sized by deaths over the outlines of `countries` and their region."""
    outlines = _outlines()
    focus = [ring for code in countries for ring in outlines.get(code, [])]
    xs = [x for ring in focus for x, _ in ring] + [p[1] for p in points]
    ys = [y for ring in focus for _, y in ring] + [p[0] for p in points]
    if xs and ys:
        pad = 2.0
        extent = (min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad)
    else:
        extent = (-20.0, 55.0, -35.0, 38.0)  # Africa, the default view of a situation room
    figure, axis = plt.subplots(figsize=(6.0, 4.6))
    background, highlighted = [], []
    for code, rings in outlines.items():
        for ring in rings:
            (highlighted if code in countries else background).append(Polygon(ring, closed=True))
    axis.add_collection(
        PatchCollection(background, facecolor="#f3f1ea", edgecolor="#9aa4b1", linewidth=0.4)
    )
    axis.add_collection(
        PatchCollection(highlighted, facecolor="#fff4d6", edgecolor="#5b6675", linewidth=0.9)
    )
    if points:
        axis.scatter(
            [p[1] for p in points],
            [p[0] for p in points],
            s=[12 + 4 * (p[2] or 0) ** 0.75 for p in points],
            color=DEATHS_COLOUR,
            alpha=0.55,
            edgecolors="white",
            linewidths=0.4,
            zorder=3,
        )
    axis.set_xlim(extent[0], extent[1])
    axis.set_ylim(extent[2], extent[3])
    axis.set_aspect("equal")
    axis.set_xticks([])
    axis.set_yticks([])
    axis.text(
        0.99, 0.01, "Natural Earth", transform=axis.transAxes, ha="right", va="bottom",
        fontsize=6, color="#5b6675",
    )  # fmt: skip
    return _png(figure)
