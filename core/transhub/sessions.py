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

What ``requests`` works out again for every request of a URL is remembered per URL
(bounded, see ``_REMEMBERED``): the prepared URL, the adapter, the environment
settings and netrc credentials (:class:`_Route`), and in the adapter the connection
pool and the request path.  A response that sets no cookie skips the cookie jar's
parse.  Together a tenth of a 400-document batch's Python calls (issue 17).
Imported only when the first request is sent (start-up stays fast).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from time import perf_counter
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, get_encoding_from_headers, get_netrc_auth

from transhub.files import CHUNK_SIZE


class ChunkedAdapter(HTTPAdapter):
    """Sends request bodies in pieces of CHUNK_SIZE (http.client's default of 16 KiB
    makes a large upload much slower than curl's), and remembers per URL the
    connection pool and request path ``requests`` works out for every request (a
    third of its adapter's own work on a small request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pools: dict[tuple[str, Any], Any] = {}
        self._paths: dict[str, str] = {}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["blocksize"] = CHUNK_SIZE
        super().init_poolmanager(*args, **kwargs)

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: Any,
        proxies: Any = None,
        cert: Any = None,
    ) -> Any:
        """``requests``' own choice of pool, remembered per URL and verification
        while the pool stays open (a proxy or a client certificate asks again)."""
        if proxies or cert or not isinstance(request.url, str):
            return super().get_connection_with_tls_context(request, verify, proxies, cert)
        key = (request.url, verify)
        pool = self._pools.get(key)
        if pool is None or pool.pool is None:  # never chosen, or closed since
            pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
            _remember(self._pools, key, pool)
        return pool

    def request_url(self, request: requests.PreparedRequest, proxies: Any) -> str:
        """``requests``' own path of a request, remembered per URL when no proxy is
        in play (a proxied request's depends on the proxy)."""
        if proxies or not isinstance(request.url, str):
            return super().request_url(request, proxies)
        path = self._paths.get(request.url)
        if path is None:
            path = super().request_url(request, proxies)
            _remember(self._paths, request.url, path)
        return path

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        """``requests``' own response, without the cookie jar's parse of a response
        that sets no cookie (a sixth of a small response's handling)."""
        if "set-cookie" in resp.headers:
            return super().build_response(req, resp)
        response = requests.Response()
        response.status_code = resp.status
        response.headers = CaseInsensitiveDict(resp.headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = resp
        response.reason = resp.reason
        response.url = req.url.decode() if isinstance(req.url, bytes) else (req.url or "")
        response.request = req
        response.connection = self
        return response


@dataclass(frozen=True)
class _Route:
    """What one URL's requests share: its prepared form, adapter, environment
    settings (proxies, CA bundle) and ``~/.netrc`` credentials."""

    url: str
    adapter: Any
    settings: Mapping[str, Any]
    netrc: Any


#: Entries each of a session's per-URL memories keeps (a download URL is often
#: unique: a full memory starts over, which costs one ordinary request per URL).
_REMEMBERED = 256


def _remember(memory: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memory) >= _REMEMBERED:
        memory.clear()
    memory[key] = value


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
        self._routes: dict[tuple[Any, ...], _Route] = {}

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
        route = self._route(url if isinstance(url, str) else url.decode())
        prepared = self._prepare(route, method, url, params, data, headers)
        settings = route.settings
        streamed = self.stream if stream is None else stream
        adapter = route.adapter
        start = perf_counter()
        response: requests.Response = adapter.send(
            prepared, stream=streamed, timeout=timeout, verify=settings["verify"],
            cert=settings["cert"], proxies=dict(settings["proxies"] or {}),
        )  # fmt: skip
        response.elapsed = timedelta(seconds=perf_counter() - start)
        if allow_redirects and response.is_redirect:
            # requests' own redirect handling, as Session.send runs it.
            prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
            history = [response]
            history += self.resolve_redirects(
                response, prepared, stream=streamed, timeout=timeout,
                verify=settings["verify"], cert=settings["cert"],
                proxies=dict(settings["proxies"] or {}),
            )  # fmt: skip
            response = history.pop()
            response.history = history
        if not streamed:
            response.content  # noqa: B018 - read the body now, as requests does
        return response

    def _prepare(
        self, route: _Route, method: str | bytes, url: str | bytes, params: Any, data: Any,
        headers: Any,
    ) -> requests.PreparedRequest:  # fmt: skip
        """The request ``requests`` would prepare: its URL from the route, the
        session's headers merged with ``headers`` (``None`` removes one) and checked as
        ``requests`` checks them, a form of strings encoded in one step."""
        prepared = requests.PreparedRequest()
        prepared.method = method.upper() if isinstance(method, str) else method.decode().upper()
        if params:
            prepared.prepare_url(url, params)
        else:
            prepared.url = route.url
        merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict(self.headers)
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        for header in merged.items():
            check_header_validity(header)
        prepared.headers = merged
        if isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            # What requests' form encoding gives for string fields, in one step.
            data = urlencode(list(data.items())).encode()
            merged.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if isinstance(data, bytes) and data:
            prepared.body = data  # requests' own bytes path, without its type checks
            merged["Content-Length"] = str(len(data))
        else:
            prepared.prepare_body(data, None, None)
        prepared.hooks = {"response": []}
        if route.netrc is not None:
            prepared.prepare_auth(route.netrc, prepared.url or "")
        return prepared

    def _route(self, url: str) -> _Route:
        """``url``'s route, prepared on its first request (the session's proxies,
        verification and ``trust_env`` are part of the key: changing them takes
        effect at once)."""
        key = (url, self.trust_env, self.verify, tuple(sorted((self.proxies or {}).items())))
        route = self._routes.get(key)
        if route is None:
            prepared = requests.PreparedRequest()
            prepared.prepare_url(url, None)
            full = prepared.url or ""
            route = _Route(
                url=full,
                adapter=self.get_adapter(url=full),
                settings=self.merge_environment_settings(full, {}, None, None, None),
                netrc=self._netrc_auth(full),
            )
            _remember(self._routes, key, route)
        return route

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
