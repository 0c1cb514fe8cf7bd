"""The session behind every HttpClient sends what requests' own path would send
(issue 17: it prepares requests itself, without the cookie jar and hooks)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from transhub.sessions import PooledSession
from transhub.testing import serve
from werkzeug.wrappers import Request, Response


def recorder(seen: list[dict[str, Any]]) -> Any:
    """A WSGI app that records each request; ``/moved`` redirects to ``/final``
    and ``/cookie`` sets a cookie."""

    @Request.application
    def app(request: Request) -> Response:
        seen.append(
            {
                "method": request.method,
                "path": request.path,
                "query": request.query_string.decode(),
                "uri": request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI"),
                "headers": {
                    k.lower(): v
                    for k, v in request.headers.items()
                    if k.lower() not in ("host", "user-agent")
                },
                "body": request.get_data().decode(),
            }
        )
        if request.path == "/moved":
            return Response(status=302, headers={"Location": "/final"})
        response = Response(json.dumps({"ok": True}), content_type="application/json")
        if request.path == "/cookie":
            response.set_cookie("sticky", "1")
        return response

    return app


@pytest.fixture
def server():
    seen: list[dict[str, Any]] = []
    with serve(recorder(seen)) as running:
        running.seen = seen
        yield running


def both(server: Any, method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
    """What the server saw from requests' own session and from ours, for one call."""
    sent = []
    for session in (requests.Session(), PooledSession(2)):
        with session:
            session.headers["X-Fixed"] = "yes"
            response = session.request(method, f"{server.url}{path}", timeout=10, **kwargs)
            assert response.status_code == 200
            sent.append(response)
    half = len(server.seen) // 2
    assert server.seen[:half] == server.seen[half:]
    server.seen.clear()
    return sent


def test_forms_params_and_headers_are_sent_as_requests_sends_them(server):
    both(server, "POST", "/form", data={"a": "1 2", "b": "é&=", "c": ""}, params={"q": "x y"})
    both(server, "POST", "/form", data={"a": "1"}, headers={"Content-Type": "text/plain"})
    both(server, "POST", "/bytes", data=b"raw", headers={"X-Fixed": None, "X-Other": "1"})
    both(server, "GET", "/get")


def test_redirects_are_followed_as_requests_follows_them(server):
    plain, ours = both(server, "GET", "/moved")
    assert [r.status_code for r in ours.history] == [r.status_code for r in plain.history] == [302]
    assert ours.url == plain.url


def test_the_session_keeps_no_cookies_but_the_response_shows_them(server):
    with PooledSession(2) as session:
        response = session.get(f"{server.url}/cookie", timeout=10)
        assert response.cookies.get("sticky") == "1"
        assert len(session.cookies) == 0
        session.get(f"{server.url}/after", timeout=10)
    assert "cookie" not in server.seen[-1]["headers"]


def test_netrc_credentials_are_sent_and_read_once_per_host(server, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    import transhub.sessions

    calls = []
    real = transhub.sessions.get_netrc_auth
    monkeypatch.setattr(
        transhub.sessions, "get_netrc_auth", lambda url: calls.append(url) or real(url)
    )
    both(server, "GET", "/one")
    with PooledSession(2) as session:
        for _ in range(3):
            session.get(f"{server.url}/again", timeout=10)
    assert server.seen[-1]["headers"]["authorization"].startswith("Basic ")
    assert len(calls) == 2  # once in both()'s session, once in this one


def test_responses_carry_what_requests_gives_them(server):
    plain, ours = both(server, "GET", "/plain")
    for name in ("status_code", "reason", "encoding", "url", "ok"):
        assert getattr(ours, name) == getattr(plain, name), name
    assert dict(ours.headers) == {**plain.headers, "Date": ours.headers["Date"]}
    assert ours.json() == plain.json() == {"ok": True}
    assert len(ours.cookies) == len(plain.cookies) == 0
    assert ours.request.url == plain.request.url


def test_a_closed_pool_is_chosen_again_and_many_urls_stay_bounded(server):
    import transhub.sessions

    with PooledSession(2) as session:
        assert session.get(f"{server.url}/first", timeout=10).status_code == 200
        adapter = session.get_adapter(server.url)
        adapter.poolmanager.clear()  # closes every pool the adapter remembered
        assert session.get(f"{server.url}/first", timeout=10).status_code == 200
        limit = transhub.sessions._REMEMBERED
        for number in range(limit + 5):
            assert session.get(f"{server.url}/many/{number}", timeout=10).status_code == 200
        assert len(adapter._pools) <= limit
        assert len(adapter._paths) <= limit
        assert len(session._routes) <= limit
    assert [seen["path"] for seen in server.seen[-2:]] == [
        f"/many/{limit + 3}",
        f"/many/{limit + 4}",
    ]


def test_a_proxy_from_the_environment_carries_the_request(server, monkeypatch):
    """A plain-http request through ``HTTP_PROXY`` goes to the proxy with the full
    URL in its request line, from both sessions."""
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    for session in (requests.Session(), PooledSession(2)):
        with session:
            response = session.get("http://transhub.invalid/proxied?x=1", timeout=10)
            assert response.status_code == 200
    assert [seen["path"] for seen in server.seen] == ["/proxied", "/proxied"]
    assert [seen["uri"] for seen in server.seen] == ["http://transhub.invalid/proxied?x=1"] * 2
