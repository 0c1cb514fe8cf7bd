"""A network failure in a few words: the host it was trying to reach and why it could
not (the host name does not resolve, connection refused, …), for error messages."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


def host(url: str) -> str:
    """``host[:port]`` of a URL (without any user info), for a message about reaching it."""
    return urlsplit(url).netloc.rpartition("@")[2] or url


def cause(exc: BaseException) -> str:
    """Why a connection failed, found in the chain of exceptions requests and urllib3
    wrap around the socket's own error; the exception's type when nothing says more."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return "the host name does not resolve"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused (is the service running there?)"
        if isinstance(current, TimeoutError | socket.timeout):
            return "no answer in time"
        if isinstance(current, OSError) and current.strerror:
            return current.strerror.lower()
        pending += [getattr(current, "reason", None), current.__cause__, current.__context__]
        pending += [a for a in current.args if isinstance(a, BaseException)]
    return type(exc).__name__


def describe(url: str, exc: BaseException) -> str:
    """``host: cause``."""
    return f"{host(url)}: {cause(exc)}"
