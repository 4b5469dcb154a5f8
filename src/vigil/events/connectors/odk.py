"""ODK Central and KoboToolbox: pull the submissions of configured forms, incrementally.

Options: `{"platform": "central", "project": 3, "form": "vigil_incident",
"monitor": "wanep-monitor", "organisation": "wanep-nigeria", "records": "reports"}` (Central;
`"records": "observations"` for an indicator set's form) or
`{"platform": "kobo", "asset": "aBcD123", "form": "vigil_incident", ...}` (Kobo).

- ODK Central: a session (`POST {base}/v1/sessions` with the e-mail and password the feed's
  environment variables hold) gives a Bearer token, renewed on a 401. Submissions come from
  the form's OData service, `GET {base}/v1/projects/{project}/forms/{form}.svc/Submissions`
  with `$filter=__system/updatedAt gt T or __system/submissionDate gt T`,
  `$orderby=__system/submissionDate`, `$top`, following `@odata.nextLink`.
- KoboToolbox: `Authorization: Token ...`; `GET {base}/api/v2/assets/{asset}/data/?format=json`
  with `query={"_submission_time": {"$gt": T}}`, `sort`, `limit`, following `next`.

Each submission is one item for the field-reports app's ODK importer (the "odk" item
handler) or the indicators app's ("odk_observations"): the same mapping and the same
idempotency by instance id as an uploaded export, an edit updating its report while it is
under review. The cursor is the newest submission (or update) time committed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from vigil.events.choices import ConnectorKind
from vigil.events.connectors.base import Connector, Page
from vigil.events.connectors.http import SourceUnavailable

PAGE_SIZE = 250
CREDENTIALS = {
    "central": {"email": "ODK_CENTRAL_EMAIL", "password": "ODK_CENTRAL_PASSWORD"},
    "kobo": {"token": "KOBO_API_TOKEN"},
}


class OdkConnector(Connector):
    kind = ConnectorKind.ODK

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: str | None = None

    @property
    def platform(self) -> str:
        return str((self.feed.options or {}).get("platform", "central"))

    def required_credentials(self) -> dict[str, str]:
        return CREDENTIALS.get(self.platform, {})

    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        options = self.feed.options or {}
        after = cursor.get("after") or (f"{since.isoformat()}T00:00:00Z" if since else "")
        fetch = self._central if self.platform == "central" else self._kobo
        url: str | None = cursor.get("next") or None
        number = int(cursor.get("page", 0)) if url else 0
        newest = after
        # Incident reports (Vigil's incident form) or indicator observations.
        kind = "odk_observations" if options.get("records") == "observations" else "odk"
        while True:
            rows, url = fetch(options, after, url)
            for row in rows:
                newest = max(newest, _stamp(row))
            page = Page(
                label=f"{options.get('form', 'form')} after {after or 'start'} page {number}",
                cursor={"after": after, "next": url, "page": number + 1, "newest": newest},
                items=[(kind, {"submission": row, "form": options.get("form", ""),
                                "monitor": options.get("monitor"),
                                "organisation": options.get("organisation")})
                       for row in rows],
            )  # fmt: skip
            if url is None:
                page.cursor = {"after": newest}
            yield page
            if url is None:
                return
            number += 1

    # -- ODK Central ----------------------------------------------------------------------
    def _login(self) -> None:
        answer = self.http.post(
            self.url("v1/sessions"),
            json={"email": self.credential("email"), "password": self.credential("password")},
        ).json()
        self._session = answer["token"]

    def _central(
        self, options: dict[str, Any], after: str, url: str | None
    ) -> tuple[list[dict], str | None]:
        if url is None:
            params = {"$top": str(PAGE_SIZE), "$count": "true",
                      "$orderby": "__system/submissionDate"}  # fmt: skip
            if after:
                params["$filter"] = (
                    f"__system/updatedAt gt {after} or __system/submissionDate gt {after}"
                )
            path = f"v1/projects/{options['project']}/forms/{options['form']}.svc/Submissions"
            url = self.url(path) + "?" + _query(params)
        if self._session is None:
            self._login()
        try:
            answer = self._get_json(url, {"Authorization": f"Bearer {self._session}"})
        except SourceUnavailable as exc:
            if exc.status != 401:
                raise
            self._login()  # the session expired
            answer = self._get_json(url, {"Authorization": f"Bearer {self._session}"})
        return list(answer.get("value") or []), answer.get("@odata.nextLink") or None

    # -- KoboToolbox ----------------------------------------------------------------------
    def _kobo(
        self, options: dict[str, Any], after: str, url: str | None
    ) -> tuple[list[dict], str | None]:
        if url is None:
            params = {"format": "json", "limit": str(PAGE_SIZE),
                      "sort": json.dumps({"_submission_time": 1})}  # fmt: skip
            if after:
                params["query"] = json.dumps({"_submission_time": {"$gt": after}})
            url = self.url(f"api/v2/assets/{options['asset']}/data/") + "?" + _query(params)
        answer = self._get_json(url, {"Authorization": f"Token {self.credential('token')}"})
        return list(answer.get("results") or []), answer.get("next") or None

    def _get_json(self, url: str, headers: dict[str, str]) -> dict[str, Any]:
        return self.http.get(url, headers=headers).json()


def _stamp(row: dict[str, Any]) -> str:
    system = row.get("__system") or {}
    return str(
        system.get("updatedAt") or system.get("submissionDate") or row.get("_submission_time") or ""
    )


def _query(params: dict[str, str]) -> str:
    return urlencode(params)
