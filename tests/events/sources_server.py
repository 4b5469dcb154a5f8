"""A real HTTP server on 127.0.0.1 that speaks the sources' APIs, built from real rows.

The connectors are tested against it over real sockets (httpx, no mocked client). It
serves, in each API's documented shape:

- UCDP: `/ucdp/gedevents/<version>` pages (`TotalCount`, `TotalPages`, `NextPageUrl`,
  `Result`), refusing requests without the `x-ucdp-access-token` header;
- ACLED: `/acled/oauth/token` (password and refresh grants), `/acled/api/acled/read`
  (Bearer token, `limit`/`page`, `timestamp` with `timestamp_where`), and
  `/acled/api/deleted/read`;
- GDELT 2.0: `/gdelt/lastupdate.txt` and `/gdelt/<stamp>.export.CSV.zip`;
- partner CAP: `/cap/feed.atom` (an Atom feed with an ETag) and `/cap/alerts/<name>`;
- ODK Central: `/odk/v1/sessions` and the form's OData `Submissions` (`$top`, `$skip`,
  `@odata.nextLink`, `$filter` on `__system/updatedAt`); KoboToolbox:
  `/kobo/api/v2/assets/<uid>/data/` (`Token` auth, `limit`/`start`, `next`).

Failures are scripted per route prefix: `server.fail("/ucdp/", 429, 500, CUT)` makes the
next three matching requests answer 429 (with `Retry-After: 1`), then 500, then a 200 whose
body stops mid-stream. `server.expire_tokens()`
makes every access token issued so far answer 401, as an expired one does.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import secrets
import threading
import zipfile
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

UCDP_TOKEN = "ucdp-test-token"
ACLED_USER = ("analyst@example.org", "acled-test-password")
ODK_USER = ("monitor-lead@example.org", "odk-test-password")
KOBO_TOKEN = "kobo-test-token"
CUT = -1  # a scripted failure: the answer's body is cut mid-stream

# GED columns the UCDP API returns as numbers (the rest are strings).
UCDP_INTEGERS = {
    "id", "year", "type_of_violence", "conflict_dset_id", "conflict_new_id", "dyad_dset_id",
    "dyad_new_id", "side_a_dset_id", "side_a_new_id", "side_b_dset_id", "side_b_new_id",
    "number_of_sources", "where_prec", "priogrid_gid", "country_id", "event_clarity",
    "date_prec", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high",
    "low",
}  # fmt: skip
UCDP_FLOATS = {"latitude", "longitude"}


def ged_api_rows(path: Path, *, years: set[int] | None = None) -> list[dict[str, Any]]:
    """Rows of a real GED file as the UCDP API returns them: typed, dates as ISO datetimes."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = []
        for row in csv.DictReader(handle):
            if row.get("year", "").startswith("#"):  # HDX's HXL hashtag row
                continue
            row.pop("", None)  # HDX's leading index column
            if years and int(float(row["year"])) not in years:
                continue
            out: dict[str, Any] = {}
            for key, value in row.items():
                if key in UCDP_INTEGERS:
                    out[key] = int(float(value)) if value not in ("", None) else None
                elif key in UCDP_FLOATS:
                    out[key] = float(value)
                elif key == "active_year":
                    out[key] = value in ("1", "True", "true")
                elif key in ("date_start", "date_end"):
                    out[key] = value.replace(" ", "T")
                else:
                    out[key] = value
            rows.append(out)
    return rows


def acled_api_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of the real ACLED sample as the API returns them (ISO event dates)."""
    import datetime as dt

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["event_date"] = dt.datetime.strptime(row["event_date"], "%d %B %Y").date().isoformat()
    return rows


@dataclass
class SourceServer:
    base: str = ""
    ucdp: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    acled: list[dict[str, Any]] = field(default_factory=list)
    acled_deleted: list[dict[str, Any]] = field(default_factory=list)
    gdelt: dict[str, bytes] = field(default_factory=dict)  # stamp -> export CSV bytes
    cap_alerts: dict[str, bytes] = field(default_factory=dict)
    cap_etag: str = '"v1"'
    odk: list[dict[str, Any]] = field(default_factory=list)  # submissions, oldest first
    odk_sessions: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    grants: list[str] = field(default_factory=list)
    failures: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, prefix: str, *statuses: int) -> None:
        with self.lock:
            self.failures[prefix].extend(statuses)

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def paths(self, prefix: str) -> list[str]:
        return [path for _method, path, _query in self.requests if path.startswith(prefix)]

    # -- routes ---------------------------------------------------------------------------
    def scripted_failure(self, path: str) -> int | None:
        with self.lock:
            for prefix, queue in self.failures.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        return None

    def handle(self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes):
        if path.startswith("/ucdp/gedevents/"):
            return self.ucdp_page(path.rsplit("/", 1)[1], query, headers)
        if path == "/acled/oauth/token":
            return self.acled_token({k: v[0] for k, v in parse_qs(body.decode()).items()})
        if path.startswith("/acled/api/"):
            if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
                return 401, {"Content-Type": "application/json"}, b'{"message": "Access denied"}'
            if path == "/acled/api/acled/read":
                return self.acled_read(query)
            if path == "/acled/api/deleted/read":
                return self.acled_deletions(query)
        if path == "/gdelt/lastupdate.txt":
            return self.gdelt_lastupdate()
        if path.startswith("/gdelt/") and path.endswith(".export.CSV.zip"):
            return self.gdelt_file(path.rsplit("/", 1)[1].split(".")[0])
        if path == "/odk/v1/sessions":
            return self.odk_session(json.loads(body or b"{}"))
        if path.startswith("/odk/v1/projects/") and path.endswith(".svc/Submissions"):
            return self.odk_submissions(query, headers)
        if path.startswith("/kobo/api/v2/assets/") and path.endswith("/data/"):
            return self.kobo_data(query, headers)
        if path == "/cap/feed.atom":
            return self.cap_feed(headers)
        if path.startswith("/cap/alerts/") and path.rsplit("/", 1)[1] in self.cap_alerts:
            body = self.cap_alerts[path.rsplit("/", 1)[1]]
            return 200, {"Content-Type": "application/cap+xml"}, body
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def ucdp_page(self, version: str, query: dict[str, str], headers: Any):
        if headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return 401, {"Content-Type": "application/json"}, b'{"message": "token required"}'
        rows = self.ucdp.get(version)
        if rows is None:
            return 404, {"Content-Type": "application/json"}, b'{"message": "no such version"}'
        if query.get("Country"):
            wanted = {int(c) for c in query["Country"].split(",")}
            rows = [r for r in rows if r["country_id"] in wanted]
        if query.get("StartDate"):
            rows = [r for r in rows if r["date_start"][:10] >= query["StartDate"]]
        size = min(int(query.get("pagesize", 100)), 1000)
        number = int(query.get("page", 0))
        pages = max(1, -(-len(rows) // size))
        following = ""
        if number + 1 < pages:
            following = f"{self.base}/ucdp/gedevents/{version}?" + urlencode(
                {**query, "page": str(number + 1)}
            )
        answer = {
            "TotalCount": len(rows),
            "TotalPages": pages,
            "PreviousPageUrl": "",
            "NextPageUrl": following,
            "Result": rows[number * size : (number + 1) * size],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def acled_token(self, form: dict[str, str]):
        grant = form.get("grant_type", "")
        self.grants.append(grant)
        if grant == "password":
            if (form.get("username"), form.get("password")) != ACLED_USER:
                return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        else:
            return 400, {"Content-Type": "application/json"}, b'{"error": "unsupported_grant"}'
        access, refresh = secrets.token_hex(8), secrets.token_hex(8)
        with self.lock:
            self.tokens.add(access)
            self.refresh_tokens.add(refresh)
        answer = {"token_type": "Bearer", "expires_in": 86400, "access_token": access,
                  "refresh_token": refresh}  # fmt: skip
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def acled_read(self, query: dict[str, str]):
        rows = sorted(self.acled, key=lambda r: (int(r["timestamp"]), r["event_id_cnty"]))
        if query.get("timestamp"):
            bound = int(query["timestamp"])
            op = query.get("timestamp_where", "=")
            rows = [r for r in rows if (int(r["timestamp"]) > bound if op == ">" else
                                        int(r["timestamp"]) >= bound)]  # fmt: skip
        if query.get("iso"):
            wanted = set(query["iso"].split("|"))
            rows = [r for r in rows if r["iso"] in wanted]
        if query.get("event_date") and query.get("event_date_where") == "BETWEEN":
            low, high = query["event_date"].split("|")
            rows = [r for r in rows if low <= r["event_date"] <= high]
        limit, number = int(query.get("limit", 5000)), int(query.get("page", 1))
        chunk = rows[(number - 1) * limit : number * limit]
        answer = {"status": 200, "success": True, "count": len(chunk), "data": chunk}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def acled_deletions(self, query: dict[str, str]):
        rows = self.acled_deleted
        if query.get("deleted_timestamp"):
            bound = int(query["deleted_timestamp"])
            rows = [r for r in rows if int(r["deleted_timestamp"]) > bound]
        answer = {"status": 200, "success": True, "count": len(rows), "data": rows}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def odk_session(self, credentials: dict[str, str]):
        if (credentials.get("email"), credentials.get("password")) != ODK_USER:
            return 401, {"Content-Type": "application/json"}, b'{"code": 401.2}'
        token = secrets.token_hex(8)
        with self.lock:
            self.odk_sessions.add(token)
        answer = {"token": token, "expiresAt": "2099-01-01T00:00:00.000Z"}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def odk_submissions(self, query: dict[str, str], headers: Any):
        if headers.get("Authorization", "").removeprefix("Bearer ") not in self.odk_sessions:
            return 401, {"Content-Type": "application/json"}, b'{"code": 401.2}'
        rows = self.odk
        if query.get("$filter"):  # "__system/updatedAt gt T or __system/submissionDate gt T"
            bound = query["$filter"].split(" gt ")[1].split(" ")[0]
            rows = [
                r
                for r in rows
                if max(r["__system"]["submissionDate"], r["__system"].get("updatedAt") or "")
                > bound
            ]
        rows = sorted(rows, key=lambda r: r["__system"]["submissionDate"])
        top, skip = int(query.get("$top", 250)), int(query.get("$skip", 0))
        answer: dict[str, Any] = {
            "@odata.context": f"{self.base}/odk/$metadata#Submissions",
            "@odata.count": len(rows),
            "value": rows[skip : skip + top],
        }
        if skip + top < len(rows):
            answer["@odata.nextLink"] = (
                f"{self.base}/odk/v1/projects/1/forms/x.svc/Submissions?"
                + urlencode({**query, "$skip": str(skip + top)})
            )
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def kobo_data(self, query: dict[str, str], headers: Any):
        if headers.get("Authorization") != f"Token {KOBO_TOKEN}":
            return 401, {"Content-Type": "application/json"}, b'{"detail": "Invalid token."}'
        rows = sorted(self.odk, key=lambda r: r["_submission_time"])
        if query.get("query"):
            bound = json.loads(query["query"])["_submission_time"]["$gt"]
            rows = [r for r in rows if r["_submission_time"] > bound]
        limit, start = int(query.get("limit", 100)), int(query.get("start", 0))
        following = None
        if start + limit < len(rows):
            following = f"{self.base}/kobo/api/v2/assets/x/data/?" + urlencode(
                {**query, "start": str(start + limit)}
            )
        answer = {
            "count": len(rows),
            "next": following,
            "previous": None,
            "results": [_kobo_flat(r) for r in rows[start : start + limit]],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def gdelt_zip(self, stamp: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            # A fixed timestamp: the same file zips to the same bytes (and md5) every time.
            member = zipfile.ZipInfo(f"{stamp}.export.CSV", date_time=(2019, 10, 24, 14, 30, 0))
            archive.writestr(member, self.gdelt[stamp], compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()

    def gdelt_lastupdate(self):
        newest = max(self.gdelt)
        body = self.gdelt_zip(newest)
        url = f"{self.base}/gdelt"
        lines = [
            f"{len(body)} {hashlib.md5(body).hexdigest()} {url}/{newest}.export.CSV.zip",
            f"1000 0123456789abcdef0123456789abcdef {url}/{newest}.mentions.CSV.zip",
            f"1000 0123456789abcdef0123456789abcdef {url}/{newest}.gkg.csv.zip",
        ]
        return 200, {"Content-Type": "text/plain"}, ("\n".join(lines) + "\n").encode()

    def gdelt_file(self, stamp: str):
        if stamp not in self.gdelt:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": "application/zip"}, self.gdelt_zip(stamp)

    def cap_feed(self, headers: Any):
        if headers.get("If-None-Match") == self.cap_etag:
            return 304, {"ETag": self.cap_etag}, b""
        entries = "".join(
            f"<entry><id>urn:test:{name}</id><title>{name}</title>"
            f"<updated>2024-01-01T00:00:00Z</updated>"
            '<link rel="alternate" type="application/cap+xml" '
            f'href="{self.base}/cap/alerts/{name}"/>'
            "</entry>"
            for name in sorted(self.cap_alerts)
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:test:feed</id>'
            f"<title>Partner alerts</title><updated>2024-01-01T00:00:00Z</updated>{entries}</feed>"
        ).encode()
        return 200, {"Content-Type": "application/atom+xml", "ETag": self.cap_etag,
                     "Last-Modified": formatdate(usegmt=True)}, body  # fmt: skip


def serve(server: SourceServer) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, method: str) -> None:
            split = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.requests.append((method, split.path, query))
            failure = server.scripted_failure(split.path)
            if failure == CUT:
                # A body cut mid-stream: promise 10,000 bytes, send 20, hang up.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "10000")
                self.end_headers()
                self.wfile.write(b'{"TotalCount": 5, "R')
                self.wfile.flush()
                self.close_connection = True
                return
            if failure is not None:
                self.send_response(failure)
                if failure == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                return
            status, headers, payload = server.handle(method, split.path, query, self.headers, body)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, thread


def odk_submissions_from_ged(path: Path, count: int) -> list[dict[str, Any]]:
    """Submissions of Vigil's incident form (as ODK Central's OData nests them, with Kobo's
    flat keys beside), each built from a real GED row of the file: its date, place,
    coordinates, deaths and UCDP's description. Submitted one hour apart."""
    import datetime as dt

    rows = ged_api_rows(path)[:count]
    out = []
    start = dt.datetime(2026, 11, 1, 6, 0)
    for number, row in enumerate(rows):
        stamp = (start + dt.timedelta(hours=number)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        instance = f"uuid:ged-{row['id']}"
        category = "violence_against_civilians" if row["type_of_violence"] == 3 else "armed_clash"
        description = f"{row['where_description'] or row['adm_1']}: {row['dyad_name']}"
        out.append({
            "__id": instance,
            "__system": {"submissionDate": stamp, "updatedAt": None, "submitterName": "monitor"},
            "_submission_time": stamp[:19],
            "_submitted_by": "monitor",
            "meta": {"instanceID": instance},
            "incident": {
                "incident_date": row["date_start"][:10],
                "country": "NGA",
                "category": category,
                "description": description,
                "credibility": "3",
                "fatalities": str(row["best"]),
                "location_gps": {"type": "Point",
                                 "coordinates": [row["longitude"], row["latitude"], 0]},
            },
        })  # fmt: skip
    return out


def _kobo_flat(row: dict[str, Any]) -> dict[str, Any]:
    """A submission as KoboToolbox's JSON has it: groups flattened as "group/field", a
    geopoint as "lat lon altitude accuracy", Kobo's own _uuid and _submission_time."""
    flat: dict[str, Any] = {k: v for k, v in row.items() if k.startswith("_") and k != "__system"}
    flat["_uuid"] = row["__id"].removeprefix("uuid:")
    for group in ("meta", "incident"):
        for key, value in row[group].items():
            if key == "location_gps":
                lon, lat = value["coordinates"][:2]
                value = f"{lat} {lon} 0 0"
            flat[f"{group}/{key}"] = value
    return flat
