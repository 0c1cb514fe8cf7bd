"""Alibaba Cloud request signatures, as pure functions.

* Signature V3 (``ACS3-HMAC-SHA256``), which the client sends: a canonical request
  over the method, path, query, the signed headers and the SHA-256 of the exact body
  bytes, hashed into a string to sign, HMAC-SHA256'd with the AccessKey secret.
* Signature V2 (RPC ``HMAC-SHA1``), which older SDKs still send; only the emulator
  uses it, to accept those clients.

Nothing here does I/O or reads a clock: the date and nonce are arguments, so the
digest's test vector can be checked verbatim.  Text that cannot be encoded as UTF-8
(lone surrogates) raises :class:`~transhub.errors.InputError` instead of a bare
``UnicodeEncodeError``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from transhub.errors import AuthenticationError, InputError

ALGORITHM_V3 = "ACS3-HMAC-SHA256"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

#: Headers a V3 signature must cover besides every ``x-acs-*`` header.
REQUIRED_SIGNED = ("host", "content-type")

# RFC 3986 unreserved characters stay as they are; everything else is %XX.
_UNRESERVED = "-_.~"


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("text to sign is not valid Unicode (it holds a lone surrogate)") from None


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding of UTF-8 ``value`` (``,`` → ``%2C``, space → ``%20``,
    ``~`` kept), as both signature versions require."""
    return quote(_utf8(value), safe=_UNRESERVED)


def encode_form(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """An ``application/x-www-form-urlencoded`` body, RFC 3986-encoded, keys sorted.

    Sorting makes the body (and so its hash and the signature) a function of the
    parameters alone, which is what the digest's test vector shows.
    """
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(pairs))


def canonical_query(query: str) -> str:
    """The V3 canonical query string of a raw query string: decoded, re-encoded with
    RFC 3986 rules and sorted by name (then value)."""
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_decode_component(name), _decode_component(value)))
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(pairs))


def _decode_component(text: str) -> str:
    # A query component may use "+" for a space (HTML forms); decoding must not fail
    # on a malformed escape or invalid UTF-8, whatever a client sent.
    # A lone surrogate cannot be encoded strictly: keep it (and decode it as invalid).
    raw = text.replace("+", " ").encode("utf-8", "surrogatepass")
    return unquote_to_bytes(raw).decode("utf-8", "replace")


def sha256_hex(body: bytes) -> str:
    """Hex SHA-256 of ``body`` (the ``x-acs-content-sha256`` header)."""
    return hashlib.sha256(body).hexdigest()


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """``(CANONICAL_HEADERS, SIGNED_HEADERS)`` for the headers to sign.

    Names are lower-cased and sorted; values are trimmed.  Every header given is
    signed: the caller passes exactly the ones it means to sign.
    """
    normalized = sorted((name.strip().lower(), value.strip()) for name, value in headers.items())
    canonical = "".join(f"{name}:{value}\n" for name, value in normalized)
    signed = ";".join(name for name, _ in normalized)
    return canonical, signed


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body_sha256: str,
) -> str:
    """The V3 canonical request (``query`` is the raw query string, often empty)."""
    canonical, signed = canonical_headers(headers)
    return "\n".join(
        [method.upper(), path or "/", canonical_query(query), canonical, signed, body_sha256]
    )


def string_to_sign(canonical: str) -> str:
    """The V3 string to sign for a canonical request."""
    return f"{ALGORITHM_V3}\n{sha256_hex(_utf8(canonical))}"


def signature_v3(secret: str, to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign, keyed with the AccessKey secret."""
    return hmac.new(_utf8(secret), _utf8(to_sign), hashlib.sha256).hexdigest()


def authorization_v3(
    *,
    access_key_id: str,
    secret: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """The ``Authorization`` header value for a request whose headers to sign are
    ``headers`` (which must already hold ``x-acs-content-sha256``)."""
    body_hash = sha256_hex(body)
    canonical = canonical_request(method, path, query, headers, body_hash)
    signature = signature_v3(secret, string_to_sign(canonical))
    _, signed = canonical_headers(headers)
    return f"{ALGORITHM_V3} Credential={access_key_id},SignedHeaders={signed},Signature={signature}"


def sign_request_v3(
    *,
    access_key_id: str,
    secret: str,
    host: str,
    action: str,
    version: str,
    body: bytes,
    date: str,
    nonce: str,
    security_token: str | None = None,
    method: str = "POST",
    path: str = "/",
    query: str = "",
    content_type: str = FORM_CONTENT_TYPE,
) -> dict[str, str]:
    """Every header a V3-signed request needs, ``Authorization`` included.

    ``date`` is ``YYYY-MM-DDThh:mm:ssZ`` in UTC and ``nonce`` unique per request:
    the caller makes both fresh for each attempt (a retry must not reuse a nonce).
    """
    headers = {
        "host": host,
        "content-type": content_type,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": date,
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": sha256_hex(body),
    }
    if security_token:
        headers["x-acs-security-token"] = security_token
    headers["Authorization"] = authorization_v3(
        access_key_id=access_key_id,
        secret=secret,
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=body,
    )
    return headers


@dataclass(frozen=True)
class ParsedAuthorization:
    """The parts of a V3 ``Authorization`` header."""

    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization_v3(value: str) -> ParsedAuthorization:
    """Split a V3 ``Authorization`` header; a malformed one raises
    :class:`~transhub.errors.AuthenticationError` (code ``IncompleteSignature``)."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM_V3:
        raise AuthenticationError(
            f"unsupported signature algorithm {algorithm[:40]!r}", code="IncompleteSignature"
        )
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, part = item.strip().partition("=")
        if sep:
            parts[name] = part
    try:
        credential = parts["Credential"]
        signed = parts["SignedHeaders"]
        signature = parts["Signature"]
    except KeyError as missing:
        raise AuthenticationError(
            f"the Authorization header lacks {missing.args[0]}", code="IncompleteSignature"
        ) from None
    if not credential or not signature or not signed:
        raise AuthenticationError(
            "the Authorization header is incomplete", code="IncompleteSignature"
        )
    names = tuple(name.strip().lower() for name in signed.split(";"))
    return ParsedAuthorization(credential, names, signature)


# --- Signature V2 (RPC, HMAC-SHA1): accepted by the emulator only -----------------

V2_SIGNATURE_PARAMS = frozenset(
    {
        "Signature",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "AccessKeyId",
    }
)


def string_to_sign_v2(method: str, params: Mapping[str, str]) -> str:
    """The V2 string to sign: ``METHOD&%2F&`` + the encoded, sorted parameters
    (every parameter except ``Signature`` itself)."""
    query = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(query)}"


def signature_v2(secret: str, method: str, params: Mapping[str, str]) -> str:
    """The base64 HMAC-SHA1 V2 signature, keyed with ``secret + "&"``."""
    digest = hmac.new(
        _utf8(secret + "&"), _utf8(string_to_sign_v2(method, params)), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_v2(secret: str, method: str, params: Mapping[str, str]) -> bool:
    """Whether ``params["Signature"]`` is the V2 signature of the other parameters."""
    given = params.get("Signature", "")
    return hmac.compare_digest(_utf8(given), _utf8(signature_v2(secret, method, params)))


def verify_v3(
    *,
    secret: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    signature: str,
) -> bool:
    """Whether ``signature`` is the V3 signature of the request (``headers`` are the
    signed ones, as received)."""
    canonical = canonical_request(method, path, query, headers, sha256_hex(body))
    expected = signature_v3(secret, string_to_sign(canonical))
    return hmac.compare_digest(_utf8(signature), _utf8(expected))
