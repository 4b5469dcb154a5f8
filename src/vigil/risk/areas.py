"""Area names, centroids and the identifying fields every stored area row carries."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vigil.geo.models import Country


def area_names(events: pd.DataFrame) -> dict[str, str]:
    countries = dict(Country.objects.values_list("iso3", "name"))
    names = {iso3: countries.get(iso3, iso3) for iso3 in events["country"].dropna().unique()}
    admin1 = events[["country", "admin1"]].dropna().drop_duplicates()
    for country, name in admin1.itertuples(index=False):
        names[f"{country}/{name}"] = f"{name}, {countries.get(country, country)}"
    return names


def area_centroids(events: pd.DataFrame) -> dict[str, tuple[float, float]]:
    located = events.dropna(subset=["latitude", "longitude"])
    out: dict[str, tuple[float, float]] = {}
    for key in (located["country"], located["country"] + "/" + located["admin1"].astype(str)):
        medians = located.groupby(key)[["latitude", "longitude"]].median()
        out.update({k: (float(v.latitude), float(v.longitude)) for k, v in medians.iterrows()})
    return out


def area_fields(
    area: str, level: str, names: dict[str, str], centroids: dict[str, tuple[float, float]]
) -> dict[str, Any]:
    latitude, longitude = centroids.get(area, (None, None))
    return {
        "country_id": area.split("/", 1)[0],
        "area": area,
        "area_name": names.get(area, area)[:160],
        "latitude": latitude,
        "longitude": longitude,
    }
