"""The ``token`` every Fanyigou request and callback carries, as the reference defines it.

1. Take every parameter (not the file, not ``token``) plus ``privatekey``.
2. Leave out parameters whose value is empty.  Names are case-sensitive.
3. Sort by name (ASCII order) and join as ``k1=v1&k2=v2…`` without URL-encoding.
4. ``token`` is the MD5 of that string in upper-case hex.

Pure functions: no I/O, no logging (the private key must never reach a log).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping

from transhub.errors import ConfigurationError

#: The name the private key takes in the signed string.
PRIVATE_KEY_NAME = "privatekey"
TOKEN = "token"  # noqa: S105 - the name of the signature field, not a secret


def text_of(value: object) -> str:
    """A parameter value as it takes part in the signature.

    Strings are used as they are; ``None`` is empty (so it does not take part);
    numbers as their decimal text; booleans as ``true``/``false`` (the JSON and Java
    spelling the service uses); anything nested as compact JSON.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def string_to_sign(params: Mapping[str, object], private_key: str) -> str:
    """``stringA`` of the reference (it contains the private key: never show it)."""
    if not private_key:
        raise ConfigurationError(
            "the Fanyigou private key is empty: set TRANSHUB_FANYIGOU_PRIVATE_KEY"
        )
    values = {str(name): text_of(value) for name, value in params.items() if name != TOKEN}
    values[PRIVATE_KEY_NAME] = private_key
    # Python orders str by code point, which is ASCII order for ASCII names (and the
    # order of UTF-8 bytes for any others).
    return "&".join(f"{name}={value}" for name, value in sorted(values.items()) if value != "")


def token(params: Mapping[str, object], private_key: str) -> str:
    """The ``token`` for ``params`` (any ``token`` among them is ignored)."""
    digest = hashlib.md5(string_to_sign(params, private_key).encode("utf-8"), usedforsecurity=False)
    return digest.hexdigest().upper()


def verify(params: Mapping[str, object], private_key: str) -> bool:
    """Whether ``params`` carry a valid ``token`` (every other field takes part, so
    fields the service adds later are covered)."""
    given = params.get(TOKEN)
    if not isinstance(given, str) or not given:
        return False
    expected = token(params, private_key)
    return hmac.compare_digest(given.upper().encode("ascii", "replace"), expected.encode("ascii"))


def nonce() -> str:
    """A fresh ``nonce_str``: 16 random hex characters, new for every request."""
    return secrets.token_hex(8)


def sign(params: Mapping[str, object], appid: str, private_key: str) -> dict[str, str]:
    """The fields to send: ``params`` without empty values, plus ``appid``,
    a fresh ``nonce_str`` and the ``token``."""
    fields = {name: text_of(value) for name, value in params.items()}
    fields = {name: value for name, value in fields.items() if value != ""}
    fields["appid"] = appid
    fields["nonce_str"] = nonce()
    fields[TOKEN] = token(fields, private_key)
    return fields
