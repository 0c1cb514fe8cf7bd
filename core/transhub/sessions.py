"""The ``requests`` session behind each :class:`~transhub.http.HttpClient` (issue 17).

``requests`` does per request what a provider's client needs once: it reads the
proxy variables (and matches ``no_proxy``), the CA-bundle variables and ``~/.netrc``
again for every call, which was a sixth of a small request's CPU in a 400-document
batch.  :class:`PooledSession` resolves them once per host for the session's life,
and keeps enough connections alive for the provider's concurrent tasks.

Its :meth:`~PooledSession.request` prepares the request itself and hands it to the
adapter (``requests``' own preparation, transport and redirect handling), leaving out
what no provider of transhub uses: the session's cookie jar (no provider's API sets
or reads cookies; a response's cookies are still on ``response.cookies``) and
response hooks.  A call that passes cookies, files, auth, proxies, hooks or JSON —
or a session given a cookie, auth or hooks — takes ``requests``' full path.  Forms
(a dict of strings) are encoded in one step, as ``requests`` encodes them.
Imported only when the first request is sent (start-up stays fast).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from time import perf_counter
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_netrc_auth

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
        self._netrc: dict[tuple[str, str], Any] = {}
        self._environment_lock = threading.Lock()

    def request(
        self,
        method: str | bytes,
        url: str | bytes,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        cookies: Any = None,
        files: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool = True,
        proxies: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: Any = None,
        cert: Any = None,
        json: Any = None,
    ) -> requests.Response:
        """Send one request (see the module docstring for what is left out)."""
        if (
            cookies or files or auth or proxies or hooks or json is not None or cert
            or verify is not None or self.auth is not None or len(self.cookies)
            or any(self.hooks.values()) or self.params or self.cert is not None
        ):  # fmt: skip
            return super().request(
                method, url, params=params, data=data, headers=headers, cookies=cookies,
                files=files, auth=auth, timeout=timeout, allow_redirects=allow_redirects,
                proxies=proxies, hooks=hooks, stream=stream, verify=verify, cert=cert,
                json=json,
            )  # fmt: skip
        merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict(self.headers)
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        if isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            # What requests' form encoding gives for string fields, in one step.
            data = urlencode(list(data.items())).encode()
            merged.setdefault("Content-Type", "application/x-www-form-urlencoded")
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.prepare_url(url, params)
        prepared.prepare_headers(merged)
        prepared.prepare_body(data, None, None)
        netrc = self._netrc_auth(prepared.url or "")
        if netrc is not None:
            prepared.prepare_auth(netrc, prepared.url or "")
        settings = self.merge_environment_settings(prepared.url, {}, stream, None, None)
        adapter = self.get_adapter(url=prepared.url or "")
        start = perf_counter()
        response = adapter.send(
            prepared, stream=settings["stream"], timeout=timeout, verify=settings["verify"],
            cert=settings["cert"], proxies=settings["proxies"],
        )  # fmt: skip
        response.elapsed = timedelta(seconds=perf_counter() - start)
        if allow_redirects and response.is_redirect:
            # requests' own redirect handling, as Session.send runs it.
            prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
            history = [response]
            history += self.resolve_redirects(
                response, prepared, stream=settings["stream"], timeout=timeout,
                verify=settings["verify"], cert=settings["cert"], proxies=settings["proxies"],
            )  # fmt: skip
            response = history.pop()
            response.history = history
        if not settings["stream"]:
            response.content  # noqa: B018 - read the body now, as requests does
        return response

    def _netrc_auth(self, url: str) -> Any:
        """``~/.netrc``'s credentials for ``url``'s host (requests reads them for every
        request of a session that trusts the environment), looked up once per host."""
        if not self.trust_env:
            return None
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        with self._environment_lock:
            if key in self._netrc:
                return self._netrc[key]
        found = get_netrc_auth(url)
        with self._environment_lock:
            self._netrc[key] = found
        return found

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
