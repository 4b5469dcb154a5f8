"""Build the offline basemap the events map draws instead of tiles.

Situation rooms often have no internet, so the map cannot rely on a tile server. We ship the
Natural Earth 1:110m country outlines (public domain) slimmed down to what the map needs:
the ISO alpha-3 code, the name, and coordinates rounded to 2 decimals (about 1 km, far finer
than the 1:110m generalisation), which keeps the file small enough to load on every visit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

SOURCE = Path("geo") / "ne_110m_admin_0_countries.geojson"
TARGET = Path(__file__).resolve().parents[2] / "static" / "web" / "countries-110m.geojson"
ATTRIBUTION = "Natural Earth (public domain)"
DECIMALS = 2


def _round_ring(ring: list[list[float]]) -> list[list[float]] | None:
    """Round a linear ring, drop points that collapse onto their neighbour, keep it closed."""
    out: list[list[float]] = []
    for lon, lat, *_ in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    # A ring needs 4 positions (RFC 7946 §3.1.6); tiny islands that collapse are dropped.
    return out if len(out) >= 4 else None


def _round_polygon(polygon: list[list[list[float]]]) -> list[list[list[float]]] | None:
    rings = [_round_ring(ring) for ring in polygon]
    if rings[0] is None:
        return None
    return [ring for ring in rings if ring is not None]


def slim_countries(collection: dict[str, Any]) -> dict[str, Any]:
    """Keep ISO_A3 (ADM0_A3 where Natural Earth has -99) and NAME, with rounded outlines."""
    features = []
    for feature in collection["features"]:
        props = feature["properties"]
        iso3 = props.get("ISO_A3")
        if not iso3 or iso3 == "-99":
            iso3 = props.get("ADM0_A3")
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            polygons = [geometry["coordinates"]]
        else:
            polygons = geometry["coordinates"]
        kept = [p for p in (_round_polygon(polygon) for polygon in polygons) if p is not None]
        if not kept:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"ISO_A3": iso3, "NAME": props.get("NAME")},
                "geometry": (
                    {"type": "Polygon", "coordinates": kept[0]}
                    if len(kept) == 1
                    else {"type": "MultiPolygon", "coordinates": kept}
                ),
            }
        )
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


class Command(BaseCommand):
    help = "Regenerate web/static/web/countries-110m.geojson from Natural Earth 1:110m countries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            default=settings.SHARED_DATA_DIR / SOURCE,
            help="Natural Earth admin-0 countries GeoJSON (default: shared data)",
        )

    def handle(self, *args: Any, source: Path, **options: Any) -> None:
        collection = json.loads(source.read_text(encoding="utf-8"))
        slim = slim_countries(collection)
        TARGET.write_text(json.dumps(slim, separators=(",", ":")), encoding="utf-8")
        size_kb = TARGET.stat().st_size // 1024
        self.stdout.write(f"Wrote {len(slim['features'])} countries, {size_kb} KB to {TARGET}")
