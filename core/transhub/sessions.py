"""The ``requests`` session behind each :class:`~transhub.http.HttpClient` (issue 17).

``requests`` does per request what a provider's client needs once: it reads the
proxy variables (and matches ``no_proxy``) and the CA-bundle variables from
``os.environ`` again for every call, which was a sixth of a small request's CPU in a
400-document batch.  :class:`PooledSession` resolves them once per host for the
session's life, and keeps enough connections alive for the provider's concurrent
tasks.  Imported only when the first request is sent (start-up stays fast).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from transhub.files import CHUNK_SIZE


class ChunkedAdapter(HTTPAdapter):
    """Sends request bodies in pieces of CHUNK_SIZE (http.client's default of 16 KiB
    makes a large upload much slower than curl's)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blocksize"] = CHUNK_SIZE
        super().init_poolmanager(*args, **kwargs)


class PooledSession(requests.Session):
    """A session whose environment settings (proxies, ``REQUESTS_CA_BUNDLE``) are
    read once per scheme and host, and whose pool keeps ``connections`` connections
    per host alive (one per concurrent task, and their downloads)."""

    def __init__(self, connections: int) -> None:
        super().__init__()
        adapter = ChunkedAdapter(pool_connections=4, pool_maxsize=connections, max_retries=0)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self._environment: dict[tuple[Any, ...], Any] = {}
        self._environment_lock = threading.Lock()

    def merge_environment_settings(
        self,
        url: Any,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        """``requests``' own merge, computed once per (scheme, host, arguments)."""
        parts = urlsplit(url.decode() if isinstance(url, bytes) else str(url or ""))
        given = tuple(sorted((proxies or {}).items()))
        key = (parts.scheme, parts.netloc, given, stream, verify, repr(cert))
        with self._environment_lock:
            merged: Any = self._environment.get(key)
        if merged is None:
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            with self._environment_lock:
                self._environment[key] = merged
        # A copy: requests' caller may change the proxies it is given.
        return {**merged, "proxies": dict(merged["proxies"] or {})}
