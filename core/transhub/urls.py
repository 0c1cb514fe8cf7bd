"""URLs as RFC 3986 wants them on the wire.

Users paste image URLs as their browser shows them: Chinese path segments, spaces,
``%`` signs that are escapes and ``%`` signs that are not.  A service that fetches
the URL itself (Alibaba) needs a valid URI, and answers "URL decoding error" for the
whole task when given a raw one.  :func:`encode_url` makes the valid URI — the same
resource, every character a URI may not hold percent-encoded as UTF-8 — or refuses,
naming the URL, what cannot be repaired.  It is idempotent: an encoded URL comes back
unchanged, so nothing is ever encoded twice.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urlsplit

from transhub.errors import InputError

#: RFC 3986 §2.2: sub-delimiters, allowed as they are in every component below.
_SUB_DELIMS = "!$&'()*+,;="
#: What each component may hold besides unreserved characters and escapes (§3.2.1, §3.3,
#: §3.4, §3.5).  ``quote`` keeps ``A-Z a-z 0-9 - . _ ~`` in any case.
_USERINFO = _SUB_DELIMS + ":"
_PATH = _SUB_DELIMS + ":@/"
_QUERY = _PATH + "?"
#: A ``%`` that does not start an escape (``100%.png``): it stands for itself.
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: A host name once in ASCII (after IDNA): DNS labels, and ``_`` which some hosts use.
_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def encode_url(url: str) -> str:
    """``url`` as a valid RFC 3986 URI (http or https), or :class:`InputError` naming it.

    Path, query and fragment: characters a URI may not hold are percent-encoded as
    UTF-8; existing escapes (``%E5%95%86``, ``%20``) are kept; a ``%`` that starts no
    escape becomes ``%25``.  A non-ASCII host becomes its IDNA (punycode) form.
    Refused: other schemes, a missing or invalid host, an invalid port, control
    characters (a URL with a line break in it was pasted wrong, not meant), and text
    that is not valid Unicode (undecodable bytes from a file name).
    """
    text = url.strip()
    # Errors name the URL as given, on one line: quoted when it cannot be printed.
    url = url if url.isprintable() else repr(url)
    if _CONTROL.search(text):
        raise InputError("holds a control character (a line break, a tab…)", path=url)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("is not valid text (it holds undecodable bytes)", path=url) from None
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise InputError(f"is not a valid URL ({exc})", path=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise InputError("only http:// and https:// URLs are accepted", path=url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    netloc = _host(hostport, url)
    try:
        port = parts.port
    except ValueError:
        raise InputError("has an invalid port", path=url) from None
    if port is not None:
        netloc += f":{port}"
    if userinfo:
        netloc = f"{_component(userinfo, _USERINFO)}@{netloc}"
    encoded = f"{scheme}://{netloc}{_component(parts.path, _PATH)}"
    if parts.query:
        encoded += "?" + _component(parts.query, _QUERY)
    if parts.fragment:
        encoded += "#" + _component(parts.fragment, _QUERY)
    return encoded


def _component(value: str, safe: str) -> str:
    """One component percent-encoded, keeping its escapes (``%`` is safe once every
    lone one is ``%25``)."""
    return quote(_LONE_PERCENT.sub("%25", value), safe=safe + "%")


def _host(hostport: str, url: str) -> str:
    """The host of ``host[:port]`` as a URI holds it: an IP literal checked, a name
    in ASCII (IDNA for a non-ASCII one), checked."""
    if hostport.startswith("["):
        literal = hostport[1:].partition("]")[0]
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            raise InputError(f"has an invalid IPv6 host [{literal}]", path=url) from None
        return f"[{literal}]"
    host = hostport.rpartition(":")[0] if ":" in hostport else hostport
    if not host.isascii():
        import idna

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise InputError(f"has a host name that cannot be encoded ({exc})", path=url) from None
    if not _HOST.fullmatch(host):
        raise InputError(f"has an invalid host {host!r}", path=url)
    return host
