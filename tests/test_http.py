"""The HTTP layer: retry policy, Retry-After, streamed uploads, atomic downloads."""

from __future__ import annotations

import hashlib
import socket

import pytest
from requests_toolbelt import MultipartEncoder
from transhub.emulation import Fault
from transhub.errors import ResponseFormatError, TransientError
from transhub.files import CHUNK_SIZE
from transhub.forms import form_body
from transhub.http import HttpClient, HttpOptions, check_endpoint, parse_json, parse_retry_after


@pytest.fixture
def http():
    client = HttpClient("echo", HttpOptions(retries=3, backoff=0.001, max_backoff=0.01))
    client.sleeps = []
    client.sleep = client.sleeps.append
    yield client
    client.close()


AUTH = {"Authorization": "Bearer test-token"}


def test_idempotent_requests_are_retried_after_502_and_drops(echo, http):
    echo.faults.queue(Fault.ERROR, action="/v1/account/text")
    echo.faults.queue(Fault.DROP_BEFORE, action="/v1/account/text")
    response = http.request("GET", f"{echo.url}/v1/account/text", idempotent=True, headers=AUTH)
    assert response.status_code == 200
    assert len(http.sleeps) == 2


def test_a_paid_request_is_not_retried_when_the_connection_drops_after_sending(echo, http, sample):
    echo.faults.queue(Fault.DROP_AFTER, action="/v1/documents")
    with pytest.raises(TransientError) as caught:
        http.upload(
            f"{echo.url}/v1/documents",
            fields={"target": "zh"},
            file_field="file",
            path=sample,
            headers=AUTH,
        )
    assert not caught.value.retryable
    assert "not retried" in str(caught.value)
    assert echo.log.count("/v1/documents") == 1  # processed once, never sent again


def test_a_paid_request_is_not_retried_after_502(echo, http, sample):
    echo.faults.queue(Fault.ERROR, action="/v1/documents")
    response = http.upload(
        f"{echo.url}/v1/documents", fields={}, file_field="file", path=sample, headers=AUTH
    )
    assert response.status_code == 502
    assert http.sleeps == []


def test_an_idempotent_request_is_retried_only_until_its_window_ends(echo):
    """``retry_until`` ends idempotency: no repeat starts after it (a 502 is returned,
    a dropped answer is of unknown fate), while throttling — refused before processing
    — is still retried."""
    client = HttpClient("echo", HttpOptions(retries=5, backoff=10, max_backoff=10))
    now = [0.0]
    client.clock = lambda: now[0]
    client.sleep = lambda seconds: now.__setitem__(0, now[0] + seconds)
    url = f"{echo.url}/v1/account/text"
    for fault in (Fault.ERROR, Fault.DROP_AFTER):
        echo.faults.queue(fault, action="/v1/account/text", times=2)
        now[0] = 0.0
        try:
            response = client.request(
                "GET", url, idempotent=True, headers=AUTH, retry_until=10.0, starts_task=True
            )
        except TransientError as caught:
            assert fault is Fault.DROP_AFTER and not caught.retryable
            assert "not retried" in str(caught)
        else:
            assert fault is Fault.ERROR and response.status_code == 502
        # Both faulted attempts came (a third would have succeeded): waits are 5-10 s,
        # so the first repeat starts by 10 s and the second after it.
        assert echo.faults.pending() == 0
    echo.faults.queue(Fault.THROTTLE, action="/v1/account/text", times=3)
    now[0] = 100.0  # long past the window: a refused request is still resent
    response = client.request("GET", url, idempotent=True, headers=AUTH, retry_until=10.0)
    assert response.status_code == 200
    assert echo.faults.pending() == 0
    client.close()


def test_a_request_that_never_connected_is_retried_even_when_paid(sample):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = HttpClient("echo", HttpOptions(retries=2, backoff=0.001))
    sleeps = []
    client.sleep = sleeps.append
    with pytest.raises(TransientError) as caught:
        client.upload(
            f"http://127.0.0.1:{port}/v1/documents", fields={}, file_field="file", path=sample
        )
    assert caught.value.retryable and len(sleeps) == 2


def test_throttling_is_retried_honouring_retry_after(echo, http, sample):
    echo.faults.queue(Fault.THROTTLE, action="/v1/documents")
    response = http.upload(
        f"{echo.url}/v1/documents", fields={}, file_field="file", path=sample, headers=AUTH
    )
    assert response.status_code == 200
    assert http.sleeps == [0.0]  # Retry-After: 0


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 0.0 + 1
    assert HttpOptions(max_backoff=5).delay(0, retry_after=100) == 5


def test_upload_streams_the_file_with_progress(echo, http, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"line\n" * 400_000)  # 2 MB
    seen = []
    response = http.upload(
        f"{echo.url}/v1/documents",
        fields={"target": "zh"},
        file_field="file",
        path=big,
        headers=AUTH,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert response.status_code == 200
    record = echo.log.uploads()[0]
    assert record.file_sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert seen[-1][0] == seen[-1][1] and len(seen) > 1


@pytest.mark.parametrize("size", [0, 5_000, CHUNK_SIZE, CHUNK_SIZE + 1])
def test_an_upload_sends_the_same_form_whole_or_streamed(echo, http, tmp_path, size):
    """A file of one chunk or less is encoded whole (transhub.forms): the same bytes
    as the streaming encoder's, but for the boundary; a larger one is streamed."""
    path = tmp_path / "doc é.txt"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    fields = {"target": "zh", "note": "ünïcode"}
    with path.open("rb") as handle:
        body = form_body(fields, "file", handle, path.name, "text/plain", None)
    with path.open("rb") as handle:
        streamed = MultipartEncoder(
            fields=[*fields.items(), ("file", (path.name, handle, "text/plain"))]
        )
        expected = streamed.to_string()
        boundary = streamed.boundary_value
    if size <= CHUNK_SIZE:
        assert isinstance(body, bytes)
        ours = body.content_type.partition("boundary=")[2]
        assert bytes(body).replace(ours.encode(), boundary.encode()) == expected
    else:
        assert isinstance(body, MultipartEncoder)
    response = http.upload(
        f"{echo.url}/v1/documents", fields=fields, file_field="file", path=path, headers=AUTH
    )
    assert response.status_code == 200
    (record,) = echo.log.uploads()
    assert record.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record.file_size == size and record.fields["target"] == "zh"


def test_a_small_file_is_encoded_in_memory_of_its_size(tmp_path):
    """Memory follows the file, not the chunk size: a batch of small documents must
    not allocate (and give back) a megabyte for each one's form."""
    import tracemalloc

    path = tmp_path / "small.txt"
    path.write_bytes(b"a small document\n" * 50)
    with path.open("rb") as handle:
        tracemalloc.start()
        try:
            body = form_body({"target": "zh"}, "file", handle, path.name, "text/plain", None)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert isinstance(body, bytes) and path.read_bytes() in body
    assert peak < 64 * 1024, f"encoding a {path.stat().st_size}-byte file peaked at {peak} bytes"


def test_download_is_atomic_and_a_cut_short_body_leaves_nothing(echo, http, tmp_path, sample):
    task = http.upload(
        f"{echo.url}/v1/documents",
        fields={"target": "zh"},
        file_field="file",
        path=sample,
        headers=AUTH,
    ).json()["id"]
    url = f"{echo.url}/v1/documents/{task}/result"
    destination = tmp_path / "out" / "result.txt"
    echo.faults.queue(Fault.DROP_AFTER, action=f"/v1/documents/{task}/result")
    saved = http.fetch(url, destination, headers=AUTH)  # the cut-short body is fetched again
    assert destination.read_bytes().startswith(b"[zh] first")
    assert saved.sha256 == hashlib.sha256(destination.read_bytes()).hexdigest()
    assert len(http.sleeps) == 1
    assert [p.name for p in destination.parent.iterdir()] == ["result.txt"]  # no .part left


def test_a_truncated_download_never_leaves_a_partial_file(echo, tmp_path, sample):
    client = HttpClient("echo", HttpOptions(retries=0))
    task = client.upload(
        f"{echo.url}/v1/documents",
        fields={"target": "zh"},
        file_field="file",
        path=sample,
        headers=AUTH,
    ).json()["id"]
    echo.faults.queue(Fault.DROP_AFTER, action=f"/v1/documents/{task}/result")
    destination = tmp_path / "result.txt"
    with pytest.raises(TransientError, match=r"download of result\.txt"):
        client.fetch(f"{echo.url}/v1/documents/{task}/result", destination, headers=AUTH)
    assert list(tmp_path.iterdir()) == [sample] or not destination.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_download_never_overwrites_unless_asked(echo, http, tmp_path, sample):
    task = http.upload(
        f"{echo.url}/v1/documents",
        fields={"target": "zh"},
        file_field="file",
        path=sample,
        headers=AUTH,
    ).json()["id"]
    destination = tmp_path / "exists.txt"
    destination.write_text("mine")
    from transhub.errors import InputError

    with pytest.raises(InputError, match="already exists"):
        http.fetch(f"{echo.url}/v1/documents/{task}/result", destination, headers=AUTH)
    assert destination.read_text() == "mine"
    http.fetch(f"{echo.url}/v1/documents/{task}/result", destination, headers=AUTH, overwrite=True)
    assert destination.read_text().startswith("[zh]")


@pytest.mark.parametrize("fault", [Fault.HTML, Fault.MALFORMED])
def test_html_and_malformed_answers_are_typed_errors(echo, http, fault):
    echo.faults.queue(fault)
    response = http.request("GET", f"{echo.url}/v1/account/text", idempotent=True, headers=AUTH)
    with pytest.raises(ResponseFormatError) as caught:
        parse_json(response, "echo", "account")
    expected = "an HTML page" if fault is Fault.HTML else "malformed JSON"
    assert expected in str(caught.value)


def test_user_agent(echo, http):
    from transhub import __version__

    seen = {}

    def capture(environ, start_response):
        seen["agent"] = environ.get("HTTP_USER_AGENT")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    from transhub.testing import serve

    with serve(capture) as server:
        http.request("GET", server.url, idempotent=True)
    assert seen["agent"] == f"transhub/{__version__}"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/api/", True),
        ("http://127.0.0.1:8080", True),
        ("http://[::1]:80", True),
        ("http://localhost", True),
        ("http://example.com", False),
        ("ftp://example.com", False),
    ],
)
def test_endpoints(url, ok):
    from transhub.errors import TranshubError

    if ok:
        assert check_endpoint(url, "X") == url.rstrip("/")
    else:
        with pytest.raises(TranshubError):
            check_endpoint(url, "X")
    assert check_endpoint("http://example.com", "X", insecure=True) == "http://example.com"


def test_saved_files_follow_the_umask_not_0600(echo, http, tmp_path, sample):
    import os
    import stat

    task = http.upload(
        f"{echo.url}/v1/documents",
        fields={"target": "zh"},
        file_field="file",
        path=sample,
        headers=AUTH,
    ).json()["id"]
    destination = tmp_path / "result.txt"
    http.fetch(f"{echo.url}/v1/documents/{task}/result", destination, headers=AUTH)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(destination.stat().st_mode) == 0o666 & ~umask


def test_a_certificate_that_does_not_verify_is_not_retried(tmp_path):
    import ssl

    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)

    def answer(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    from transhub.testing import serve

    client = HttpClient("echo", HttpOptions(retries=3, backoff=0.001))
    sleeps = []
    client.sleep = sleeps.append
    with serve(answer, ssl_context=context) as server, pytest.raises(TransientError) as caught:
        client.request("GET", server.url, idempotent=True)
    assert "TLS certificate verification failed" in str(caught.value)
    assert sleeps == []  # not retried
