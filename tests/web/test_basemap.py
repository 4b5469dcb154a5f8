"""The country outlines the map draws instead of tiles, and the command that builds them."""

from __future__ import annotations

import json
from pathlib import Path

from vigil.web.management.commands.build_basemap import ATTRIBUTION, TARGET, slim_countries


def test_shipped_outlines_are_small_and_carry_only_code_and_name() -> None:
    collection = json.loads(TARGET.read_text(encoding="utf-8"))

    assert TARGET.stat().st_size < 400_000
    assert collection["attribution"] == ATTRIBUTION
    assert len(collection["features"]) > 150
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"ISO_A3", "NAME"}
        assert len(feature["properties"]["ISO_A3"]) == 3
    codes = {f["properties"]["ISO_A3"] for f in collection["features"]}
    assert {"NGA", "MLI", "FRA", "NOR"} <= codes  # France and Norway are -99 in ISO_A3


def test_slimming_rounds_and_falls_back_to_adm0_code() -> None:
    square = [[0.001, 0.001], [1.004, 0.0], [1.0, 1.0], [0.0, 1.002], [0.001, 0.001]]
    speck = [[5.0, 5.0], [5.001, 5.0], [5.0, 5.001], [5.0, 5.0]]
    collection = {
        "features": [
            {
                "properties": {"ISO_A3": "-99", "ADM0_A3": "FRA", "NAME": "France", "POP": 1},
                "geometry": {"type": "MultiPolygon", "coordinates": [[square], [speck]]},
            }
        ]
    }

    (feature,) = slim_countries(collection)["features"]

    assert feature["properties"] == {"ISO_A3": "FRA", "NAME": "France"}
    # The speck collapses to a point when rounded and is dropped; the square stays closed.
    assert feature["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
    }


def test_shipped_outlines_rebuild_identically_from_natural_earth(shared_data: Path) -> None:
    source = shared_data / "geo" / "ne_110m_admin_0_countries.geojson"
    rebuilt = slim_countries(json.loads(source.read_text(encoding="utf-8")))

    assert json.dumps(rebuilt, separators=(",", ":")) == TARGET.read_text(encoding="utf-8")
