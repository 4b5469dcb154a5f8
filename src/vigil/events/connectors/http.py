"""HTTP for the connectors: one client that retries what a source means as "later" and
stops at what it means as "no".

Retried: 429 and 5xx (honouring `Retry-After`, in seconds or as an HTTP date), and
transport errors (refused connection, timeout, a body cut mid-stream). Not retried: other
4xx, which a retry cannot fix. Requests are spaced by `min_interval` seconds, the rate a
source asks its clients to keep. Error messages name the host and path but never the
query string or headers, where tokens live.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import httpx

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


class SourceUnavailable(Exception):
    """The source kept failing after every retry, or refused the request for good."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _where(url: httpx.URL | str) -> str:
    url = httpx.URL(str(url))
    return f"{url.host}{url.path}"


def retry_after(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds the source asks us to wait, from its Retry-After header (RFC 9110 10.2.3)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Http:
    """A connector's HTTP client (httpx), with retries, backoff and spacing."""

    def __init__(
        self,
        *,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 1.0,
        max_wait: float = 300.0,
        min_interval: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "Vigil early-warning platform (connectors)",
    ) -> None:
        self.client = httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": user_agent}
        )
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.min_interval = min_interval
        self.sleep = sleep
        self.waits: list[float] = []  # what it waited, for the run's record
        self._last = 0.0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        ok: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> httpx.Response:
        """The response once its status is in `ok`; SourceUnavailable when retries run out
        or the status is a final refusal (a 4xx other than 429)."""
        attempt = 0
        while True:
            self._space()
            try:
                response = self.client.request(method, url, **kwargs)
                response.read()
            except httpx.TransportError as exc:
                if attempt >= self.retries:
                    raise SourceUnavailable(
                        f"{_where(url)}: {type(exc).__name__} after {attempt + 1} attempts"
                    ) from None
                self._wait(self.backoff * 2**attempt)
                attempt += 1
                continue
            if response.status_code in ok:
                return response
            if response.status_code in RETRIED_STATUS and attempt < self.retries:
                asked = retry_after(response)
                self._wait(asked if asked is not None else self.backoff * 2**attempt)
                attempt += 1
                continue
            raise SourceUnavailable(
                f"{_where(url)}: HTTP {response.status_code}"
                + (f" after {attempt + 1} attempts" if attempt else ""),
                status=response.status_code,
            )

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def _wait(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), self.max_wait)
        self.waits.append(seconds)
        self.sleep(seconds)

    def _space(self) -> None:
        if self.min_interval:
            gap = time.monotonic() - self._last
            if gap < self.min_interval:
                self.sleep(self.min_interval - gap)
        self._last = time.monotonic()
