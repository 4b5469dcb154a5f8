"""Rebuild countries.csv, the committed country reference the geography loader reads.

Run from the repository root when pycountry or the crosswalks change:

    .venv/bin/python src/vigil/geo/data/build_countries.py [--shared-data ../shared/data]

Inputs, read only here (production never has them):

- pycountry: the ISO 3166-1 list, English names and its bundled French translations.
- ``geo/gw_states_iisystem2017.csv``: the Gleditsch-Ward state list; UCDP's ``country_id``
  is a GW code, so every current GW state gets its ISO3 below.
- ``geo/ne_50m_admin_0_countries.geojson`` for bounding boxes and
  ``geo/ne_110m_admin_0_countries.geojson`` for label points (the 50m file has none).

FIPS 10-4 codes are written out by hand: the standard was withdrawn in 2008 and no package
ships it, yet GDELT still geocodes with it. The script cross-checks them against Natural
Earth's ``FIPS_10`` and prints any disagreement instead of silently taking either.

Bounding boxes are plain minima and maxima of longitude and latitude, so the few countries
that straddle the antimeridian (Fiji, Kiribati, New Zealand, Russia, the United States) span
-180..180: wide for zooming, but never wrong for "is this point inside the country" checks.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "countries.csv"
DEFAULT_SHARED = Path(
    os.environ.get("VIGIL_SHARED_DATA", Path(__file__).resolve().parents[5] / "shared" / "data")
)
COLUMNS = [
    "iso2", "iso3", "numeric", "name", "name_fr", "fips", "gw_code",
    "latitude", "longitude", "min_lon", "min_lat", "max_lon", "max_lat",
]  # fmt: skip

# Kosovo has no ISO 3166-1 entry; XK/XKX are the user-assigned codes the EU, the World Bank
# and UCDP-derived datasets use.
KOSOVO = {"iso2": "XK", "iso3": "XKX", "numeric": "", "name": "Kosovo", "name_fr": "Kosovo"}

# ISO alpha-2 -> FIPS 10-4 (the final 2008-2014 NGA GEC list that GDELT uses).
# Left out on purpose: AX (Åland, no FIPS code, part of FI), BQ (Caribbean Netherlands, FIPS
# only had NT for the dissolved Netherlands Antilles) and UM (FIPS codes each islet separately).
# Palestine gets WE (West Bank); selectors also map GZ (Gaza Strip) to it.
FIPS = {
    "AD": "AN", "AE": "AE", "AF": "AF", "AG": "AC", "AI": "AV", "AL": "AL", "AM": "AM",
    "AO": "AO", "AQ": "AY", "AR": "AR", "AS": "AQ", "AT": "AU", "AU": "AS", "AW": "AA",
    "AZ": "AJ", "BA": "BK", "BB": "BB", "BD": "BG", "BE": "BE", "BF": "UV", "BG": "BU",
    "BH": "BA", "BI": "BY", "BJ": "BN", "BL": "TB", "BM": "BD", "BN": "BX", "BO": "BL",
    "BR": "BR", "BS": "BF", "BT": "BT", "BV": "BV", "BW": "BC", "BY": "BO", "BZ": "BH",
    "CA": "CA", "CC": "CK", "CD": "CG", "CF": "CT", "CG": "CF", "CH": "SZ", "CI": "IV",
    "CK": "CW", "CL": "CI", "CM": "CM", "CN": "CH", "CO": "CO", "CR": "CS", "CU": "CU",
    "CV": "CV", "CW": "UC", "CX": "KT", "CY": "CY", "CZ": "EZ", "DE": "GM", "DJ": "DJ",
    "DK": "DA", "DM": "DO", "DO": "DR", "DZ": "AG", "EC": "EC", "EE": "EN", "EG": "EG",
    "EH": "WI", "ER": "ER", "ES": "SP", "ET": "ET", "FI": "FI", "FJ": "FJ", "FK": "FK",
    "FM": "FM", "FO": "FO", "FR": "FR", "GA": "GB", "GB": "UK", "GD": "GJ", "GE": "GG",
    "GF": "FG", "GG": "GK", "GH": "GH", "GI": "GI", "GL": "GL", "GM": "GA", "GN": "GV",
    "GP": "GP", "GQ": "EK", "GR": "GR", "GS": "SX", "GT": "GT", "GU": "GQ", "GW": "PU",
    "GY": "GY", "HK": "HK", "HM": "HM", "HN": "HO", "HR": "HR", "HT": "HA", "HU": "HU",
    "ID": "ID", "IE": "EI", "IL": "IS", "IM": "IM", "IN": "IN", "IO": "IO", "IQ": "IZ",
    "IR": "IR", "IS": "IC", "IT": "IT", "JE": "JE", "JM": "JM", "JO": "JO", "JP": "JA",
    "KE": "KE", "KG": "KG", "KH": "CB", "KI": "KR", "KM": "CN", "KN": "SC", "KP": "KN",
    "KR": "KS", "KW": "KU", "KY": "CJ", "KZ": "KZ", "LA": "LA", "LB": "LE", "LC": "ST",
    "LI": "LS", "LK": "CE", "LR": "LI", "LS": "LT", "LT": "LH", "LU": "LU", "LV": "LG",
    "LY": "LY", "MA": "MO", "MC": "MN", "MD": "MD", "ME": "MJ", "MF": "RN", "MG": "MA",
    "MH": "RM", "MK": "MK", "ML": "ML", "MM": "BM", "MN": "MG", "MO": "MC", "MP": "CQ",
    "MQ": "MB", "MR": "MR", "MS": "MH", "MT": "MT", "MU": "MP", "MV": "MV", "MW": "MI",
    "MX": "MX", "MY": "MY", "MZ": "MZ", "NA": "WA", "NC": "NC", "NE": "NG", "NF": "NF",
    "NG": "NI", "NI": "NU", "NL": "NL", "NO": "NO", "NP": "NP", "NR": "NR", "NU": "NE",
    "NZ": "NZ", "OM": "MU", "PA": "PM", "PE": "PE", "PF": "FP", "PG": "PP", "PH": "RP",
    "PK": "PK", "PL": "PL", "PM": "SB", "PN": "PC", "PR": "RQ", "PS": "WE", "PT": "PO",
    "PW": "PS", "PY": "PA", "QA": "QA", "RE": "RE", "RO": "RO", "RS": "RI", "RU": "RS",
    "RW": "RW", "SA": "SA", "SB": "BP", "SC": "SE", "SD": "SU", "SE": "SW", "SG": "SN",
    "SH": "SH", "SI": "SI", "SJ": "SV", "SK": "LO", "SL": "SL", "SM": "SM", "SN": "SG",
    "SO": "SO", "SR": "NS", "SS": "OD", "ST": "TP", "SV": "ES", "SX": "NN", "SY": "SY",
    "SZ": "WZ", "TC": "TK", "TD": "CD", "TF": "FS", "TG": "TO", "TH": "TH", "TJ": "TI",
    "TK": "TL", "TL": "TT", "TM": "TX", "TN": "TS", "TO": "TN", "TR": "TU", "TT": "TD",
    "TV": "TV", "TW": "TW", "TZ": "TZ", "UA": "UP", "UG": "UG", "US": "US", "UY": "UY",
    "UZ": "UZ", "VA": "VT", "VC": "VC", "VE": "VE", "VG": "VI", "VI": "VQ", "VN": "VM",
    "VU": "NH", "WF": "WF", "WS": "WS", "YE": "YM", "YT": "MF", "ZA": "SF", "ZM": "ZA",
    "ZW": "ZI", "XK": "KV",
}  # fmt: skip

# Gleditsch-Ward code -> ISO3 for every state the 2017 list shows as existing on its last day.
# Serbia takes 345 (Yugoslavia), the code UCDP keeps using after 2006, and Germany takes 260
# (the Federal Republic), which absorbed the GDR. The list's other Serbia code (340) and the
# predecessors of today's states are successors in selectors.GW_SUCCESSORS, not here.
GW_TO_ISO3 = {
    2: "USA", 20: "CAN", 31: "BHS", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO",
    53: "BRB", 70: "MEX", 80: "BLZ", 90: "GTM", 91: "HND", 92: "SLV", 93: "NIC", 94: "CRI",
    95: "PAN", 100: "COL", 101: "VEN", 110: "GUY", 115: "SUR", 130: "ECU", 135: "PER",
    140: "BRA", 145: "BOL", 150: "PRY", 155: "CHL", 160: "ARG", 165: "URY", 200: "GBR",
    205: "IRL", 210: "NLD", 211: "BEL", 212: "LUX", 220: "FRA", 225: "CHE", 230: "ESP",
    235: "PRT", 260: "DEU", 290: "POL", 305: "AUT", 310: "HUN", 316: "CZE", 317: "SVK",
    325: "ITA", 338: "MLT", 339: "ALB", 341: "MNE", 343: "MKD", 344: "HRV", 345: "SRB",
    346: "BIH", 347: "XKX", 349: "SVN", 350: "GRC", 352: "CYP", 355: "BGR", 359: "MDA",
    360: "ROU", 365: "RUS", 366: "EST", 367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR",
    371: "ARM", 372: "GEO", 373: "AZE", 375: "FIN", 380: "SWE", 385: "NOR", 390: "DNK",
    395: "ISL", 402: "CPV", 404: "GNB", 411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN",
    434: "BEN", 435: "MRT", 436: "NER", 437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR",
    451: "SLE", 452: "GHA", 461: "TGO", 471: "CMR", 475: "NGA", 481: "GAB", 482: "CAF",
    483: "TCD", 484: "COG", 490: "COD", 500: "UGA", 501: "KEN", 510: "TZA", 516: "BDI",
    517: "RWA", 520: "SOM", 522: "DJI", 530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ",
    551: "ZMB", 552: "ZWE", 553: "MWI", 560: "ZAF", 565: "NAM", 570: "LSO", 571: "BWA",
    572: "SWZ", 580: "MDG", 581: "COM", 590: "MUS", 600: "MAR", 615: "DZA", 616: "TUN",
    620: "LBY", 625: "SDN", 626: "SSD", 630: "IRN", 640: "TUR", 645: "IRQ", 651: "EGY",
    652: "SYR", 660: "LBN", 663: "JOR", 666: "ISR", 670: "SAU", 678: "YEM", 690: "KWT",
    692: "BHR", 694: "QAT", 696: "ARE", 698: "OMN", 700: "AFG", 701: "TKM", 702: "TJK",
    703: "KGZ", 704: "UZB", 705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN", 731: "PRK",
    732: "KOR", 740: "JPN", 750: "IND", 760: "BTN", 770: "PAK", 771: "BGD", 775: "MMR",
    780: "LKA", 781: "MDV", 790: "NPL", 800: "THA", 811: "KHM", 812: "LAO", 816: "VNM",
    820: "MYS", 830: "SGP", 835: "BRN", 840: "PHL", 850: "IDN", 860: "TLS", 900: "AUS",
    910: "PNG", 920: "NZL", 940: "SLB", 950: "FJI",
}  # fmt: skip

# Current GW codes deliberately left off the Country row: GW gives Serbia 340 again from 2006,
# UCDP keeps 345. selectors.GW_SUCCESSORS maps 340 to Serbia for sources that follow GW.
GW_SECOND_CODES = {340: "SRB"}

# Gleditsch and Ward keep microstates (population under 250,000) in a separate list that
# is not in the shared file; their codes are the Correlates of War ones.
GW_MICROSTATES = {
    54: "DMA", 55: "GRD", 56: "LCA", 57: "VCT", 58: "ATG", 60: "KNA", 221: "MCO", 223: "LIE",
    232: "AND", 331: "SMR", 403: "STP", 591: "SYC", 935: "VUT", 946: "KIR", 947: "TUV",
    955: "TON", 970: "NRU", 983: "MHL", 986: "PLW", 987: "FSM", 990: "WSM",
}  # fmt: skip

# Natural Earth draws some ISO territories inside their sovereign's feature. Polygons whose
# first ring's mean point falls inside a box are given to the territory instead, so France's
# box is metropolitan France and Réunion gets a box of its own.
TERRITORY_BOXES: list[tuple[str, str, tuple[float, float, float, float]]] = [
    ("GLP", "FRA", (-62.0, 15.8, -60.9, 16.6)),
    ("MTQ", "FRA", (-61.3, 14.3, -60.7, 14.95)),
    ("GUF", "FRA", (-55.0, 2.0, -51.0, 6.0)),
    ("MYT", "FRA", (44.9, -13.1, 45.4, -12.5)),
    ("REU", "FRA", (55.1, -21.5, 55.9, -20.8)),
    ("SJM", "NOR", (10.0, 74.0, 35.0, 81.0)),  # Svalbard
    ("SJM", "NOR", (-9.2, 70.7, -7.8, 71.2)),  # Jan Mayen
    ("BES", "NLD", (-68.5, 11.9, -68.1, 12.4)),  # Bonaire
    ("BES", "NLD", (-63.3, 17.4, -62.9, 17.7)),  # Saba, Sint Eustatius
    ("CXR", "IOA", (105.5, -10.6, 105.8, -10.3)),
    ("CCK", "IOA", (96.8, -12.25, 96.95, -11.8)),
]
# Natural Earth units without an ISO code of their own, folded into the state that
# UCDP and GDELT attribute their events to.
MERGED_UNITS = {"SOL": "SOM", "CYN": "CYP", "ATC": "AUS"}
# Territories absent from Natural Earth at 1:50m: a label point (lon, lat) only.
POINTS_ONLY = {
    "GIB": (-5.35, 36.14),
    "TKL": (-171.85, -9.2),
    "BVT": (3.4, -54.43),
}

# ISO's catalogue order ("Congo, The Democratic Republic of the") reads badly in a report
# title; these are the names in running-text order. Everything else is pycountry's wording.
NAMES = {
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia",
    "PSE": "Palestine",
    "VGB": "British Virgin Islands",
    "VIR": "United States Virgin Islands",
}
NAMES_FR = {
    "ALA": "Îles Åland",
    "CCK": "Îles Cocos (Keeling)",
    "CXR": "Île Christmas",
    "FLK": "Îles Malouines (Falkland)",
    "FSM": "Micronésie",
    "PSE": "Palestine",
    "REU": "La Réunion",
    "RUS": "Russie",
    "SLB": "Îles Salomon",
    "VIR": "Îles Vierges des États-Unis",
}

Ring = list[list[float]]
Polygon = list[Ring]


def feature_iso3(properties: dict[str, str]) -> str:
    """The ISO3 a Natural Earth feature stands for (Natural Earth marks some as -99)."""
    if properties["ISO_A3"] != "-99":
        return properties["ISO_A3"]
    adm0 = properties["ADM0_A3"]
    return {"KOS": "XKX"}.get(adm0, adm0)


def polygons(geometry: dict) -> list[Polygon]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def ring_mean(ring: Ring) -> tuple[float, float]:
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Planar (area, x, y) of a ring by the shoelace formula; fine for choosing a label point."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        x, y = ring_mean(ring)
        return 0.0, x, y
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def in_box(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def shapes_by_iso3(geojson: dict) -> dict[str, list[Polygon]]:
    """ISO3 -> polygons, after splitting territories out and folding in unrecognised units."""
    shapes: dict[str, list[Polygon]] = {}
    for feature in geojson["features"]:
        iso3 = feature_iso3(feature["properties"])
        iso3 = MERGED_UNITS.get(iso3, iso3)
        for polygon in polygons(feature["geometry"]):
            mean = ring_mean(polygon[0])
            owner = next(
                (t for t, parent, box in TERRITORY_BOXES if parent == iso3 and in_box(mean, box)),
                iso3,
            )
            shapes.setdefault(owner, []).append(polygon)
    return shapes


def bbox(shapes: list[Polygon]) -> tuple[float, float, float, float]:
    lons = [p[0] for polygon in shapes for p in polygon[0]]
    lats = [p[1] for polygon in shapes for p in polygon[0]]
    return min(lons), min(lats), max(lons), max(lats)


def label_points(geojson: dict) -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of Natural Earth's hand-placed label, where the layer has one."""
    points = {}
    for feature in geojson["features"]:
        p = feature["properties"]
        if p.get("LABEL_X") is not None:
            points[feature_iso3(p)] = (p["LABEL_X"], p["LABEL_Y"])
    return points


def largest_polygon_centroid(shapes: list[Polygon]) -> tuple[float, float]:
    _area, x, y = max(ring_area_centroid(polygon[0]) for polygon in shapes)
    return x, y


def gw_codes(path: Path) -> dict[str, int]:
    """ISO3 -> GW code, checking that every state alive at the list's end is mapped."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    last_day = max(row["enddate"] for row in rows)
    current = {int(float(row["gwcode"])): row["statename"] for row in rows}
    alive = {
        int(float(row["gwcode"])): row["statename"] for row in rows if row["enddate"] == last_day
    }
    unmapped = {
        code: name
        for code, name in alive.items()
        if code not in GW_TO_ISO3 and code not in GW_SECOND_CODES
    }
    if unmapped:
        raise SystemExit(f"GW states with no ISO3 mapping: {unmapped}")
    # 345 ended with Yugoslavia in GW's list but lives on in UCDP as Serbia.
    stale = {code: current.get(code) for code in GW_TO_ISO3 if code not in alive | {345: ""}}
    if stale:
        raise SystemExit(f"GW_TO_ISO3 maps codes that are not current states: {stale}")
    return {iso3: code for code, iso3 in {**GW_MICROSTATES, **GW_TO_ISO3}.items()}


def iso_countries() -> Iterator[dict[str, str]]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        yield {
            "iso2": country.alpha_2,
            "iso3": country.alpha_3,
            "numeric": country.numeric,
            "name": NAMES.get(country.alpha_3, name),
            "name_fr": NAMES_FR.get(country.alpha_3) or french.gettext(name),
        }
    yield dict(KOSOVO)


def rounded(values: Iterable[float]) -> list[str]:
    return [f"{value:.4f}".rstrip("0").rstrip(".") for value in values]


def build_rows(shared: Path) -> list[dict[str, str]]:
    geo = shared / "geo"
    gw = gw_codes(geo / "gw_states_iisystem2017.csv")
    ne50 = json.loads((geo / "ne_50m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    ne110 = json.loads((geo / "ne_110m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    shapes = shapes_by_iso3(ne50)
    labels = label_points(ne110)
    ne_fips = {
        feature_iso3(f["properties"]): f["properties"]["FIPS_10"]
        for f in ne50["features"]
        if f["properties"]["FIPS_10"] not in ("-99", "")
    }
    rows = []
    for country in iso_countries():
        iso3 = country["iso3"]
        row = {**country, "fips": FIPS.get(country["iso2"], ""), "gw_code": str(gw.get(iso3, ""))}
        if iso3 in ne_fips and ne_fips[iso3] != row["fips"]:
            print(f"FIPS differs from Natural Earth: {iso3} {row['fips']} vs {ne_fips[iso3]}")
        box = bbox(shapes[iso3]) if iso3 in shapes else None
        point = labels.get(iso3)
        if point is None and iso3 in shapes:
            point = largest_polygon_centroid(shapes[iso3])
        point = point or POINTS_ONLY.get(iso3)
        if point:
            row["longitude"], row["latitude"] = rounded(point)
        if box:
            row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"] = rounded(box)
        rows.append({column: row.get(column, "") for column in COLUMNS})
    missing_gw = set(gw) - {row["iso3"] for row in rows}
    if missing_gw:
        raise SystemExit(f"GW codes map to unknown ISO3 codes: {missing_gw}")
    return sorted(rows, key=lambda row: row["iso3"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = build_rows(args.shared_data)
    with args.output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    no_box = [row["iso3"] for row in rows if not row["min_lon"]]
    print(f"wrote {len(rows)} countries to {args.output}; no bounding box: {', '.join(no_box)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
