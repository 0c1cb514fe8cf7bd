"""transhub.urls.encode_url: RFC 3986 percent-encoding of the URLs users paste,
never encoding twice, and refusing (naming the URL) what cannot be repaired."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from transhub.errors import InputError
from transhub.urls import encode_url

#: RFC 3986 appendix A: the characters a URI may hold, and escapes.
URI = re.compile(r"https?://(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2}|%[0-9a-f]{2})+")


@pytest.mark.parametrize(
    ("given_url", "encoded"),
    [
        ("https://img.example.com/商品/1.png", "https://img.example.com/%E5%95%86%E5%93%81/1.png"),
        ("https://img.example.com/a b.png", "https://img.example.com/a%20b.png"),
        ("https://img.example.com/a%20b.png", "https://img.example.com/a%20b.png"),
        ("https://img.example.com/100%.png", "https://img.example.com/100%25.png"),
        (
            "https://img.example.com/100%-%E5%95%86.png",
            "https://img.example.com/100%25-%E5%95%86.png",
        ),
        (
            "https://img.example.com/x?q=商 品&a=1#封面",
            "https://img.example.com/x?q=%E5%95%86%20%E5%93%81&a=1#%E5%B0%81%E9%9D%A2",
        ),
        ("https://例子.中国/x.png", "https://xn--fsqu00a.xn--fiqs8s/x.png"),
        ("HTTPS://Img.Example.com:8443/x", "https://Img.Example.com:8443/x"),
        ("https://[::1]:8080/a[1].png", "https://[::1]:8080/a%5B1%5D.png"),
        ("https://user:pa ss@img.example.com/x", "https://user:pa%20ss@img.example.com/x"),
        ("  https://img.example.com/x.png  ", "https://img.example.com/x.png"),
    ],
)
def test_encoding(given_url: str, encoded: str) -> None:
    assert encode_url(given_url) == encoded


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://img.example.com/a.png", "only http:// and https://"),
        ("https:///a.png", "only http:// and https://"),
        ("https://exa mple.com/a.png", "invalid host"),
        ("https://a..b/a.png", "invalid host"),
        ("https://img.example.com:99999/a.png", "invalid port"),
        ("https://img.example.com/a\tb.png", "control character"),
        ("https://img.example.com/\udc80.png", "undecodable bytes"),
        ("https://[fe80::zz]/a.png", "not a valid URL"),
    ],
)
def test_refusals_name_the_url_on_one_line(url: str, problem: str) -> None:
    with pytest.raises(InputError, match=re.escape(problem)) as caught:
        encode_url(url)
    message = str(caught.value)
    assert "\n" not in message and "\t" not in message
    assert message.startswith(url if url.isprintable() else repr(url))


def _text(excluded: str) -> st.SearchStrategy[str]:
    letters = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=excluded)
    return st.text(letters | st.sampled_from([c for c in "%/?#&=: " if c not in excluded]))


def _decoded(component: str) -> str:
    """A component as the server decodes it, a lone ``%`` standing for itself."""
    return unquote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", component))


@given(path=_text("?#"), query=_text("#"))
def test_any_path_and_query_encode_to_a_uri_once(path: str, query: str) -> None:
    url = f"https://img.example.com/{path}?{query}"
    encoded = encode_url(url)
    assert URI.fullmatch(encoded), encoded
    assert encode_url(encoded) == encoded  # never encoded twice
    # The same resource: every component decodes to what the user wrote.
    before, after = urlsplit(url.strip()), urlsplit(encoded)
    assert _decoded(after.path) == _decoded(before.path)
    assert _decoded(after.query) == _decoded(before.query)
