"""Fixtures for the local plugin's tests.

Every test has its own ``TRANSHUB_HOME`` and none of the developer's ``TRANSHUB_*``
variables; the homes share one cache folder, so the CC-CEDICT index is built once per
test session (the cache's own tests build theirs in their own folders).  Sample images
are drawn with Noto Sans CJK from the ``manimgx-fonts-cjk`` distribution (the plugin's
``sandbox`` extra), so they need nothing from apt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import pytest
from transhub.testing import INHERITED_PREFIXES

#: The known lines of the OCR sample: Chinese, English, and both mixed.
LINES = ("翻译文档已经保存", "The document has been saved.", "离线识别中文和English")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder every test's home points to."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> Path:
    """A private TRANSHUB_HOME (with the shared cache), a clean environment, a private
    working folder, and only this plugin loaded."""
    for key in list(os.environ):
        if key.startswith(INHERITED_PREFIXES):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").symlink_to(shared_cache, target_is_directory=True)
    monkeypatch.setenv("TRANSHUB_HOME", str(home))
    monkeypatch.setenv("TRANSHUB_PLUGINS", "local")
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """Noto Sans CJK (a font collection: face 2 is Simplified Chinese)."""
    try:
        import manimgx_fonts_cjk
    except ImportError:
        pytest.skip("no CJK font: pip install manimgx-fonts-cjk (the plugin's sandbox extra)")
    return Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"


@pytest.fixture(scope="session")
def lines() -> tuple[str, ...]:
    """The known lines of the OCR sample."""
    return LINES


@pytest.fixture(scope="session")
def draw(cjk_font: Path) -> Callable[..., Path]:
    """``draw(path, lines)``: :func:`draw_lines` with the CJK font."""
    return lambda path, lines: draw_lines(path, cjk_font, lines)


def draw_lines(path: Path, font_file: Path, lines: Sequence[str], size: int = 36) -> Path:
    """An image with ``lines`` in black on white, one under the other."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_file), size, index=2)
    image = Image.new("RGB", (40 + 24 * size, 30 + len(lines) * size * 2), "white")
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((20, 20 + number * size * 2), line, fill="black", font=font)
    image.save(path)
    return path


@pytest.fixture
def sample(tmp_path: Path, cjk_font: Path) -> Path:
    """A PNG with :data:`LINES`."""
    return draw_lines(tmp_path / "sample.png", cjk_font, LINES)


def _offline_prefix() -> list[str] | str:
    """The command prefix that runs a program with no network (a new network namespace
    with no interface but a down loopback), or why there is none here."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return "the unshare program (util-linux) is not installed"
    reasons = []
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", "print('ok')"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "ok":
            return prefix
        reasons.append(f"`{' '.join(prefix)}` failed: {probe.stderr.strip()[:200]}")
    return "no network namespace can be made here (" + "; ".join(reasons) + ")"


@pytest.fixture(scope="session")
def offline() -> list[str]:
    """A command prefix that cuts the network off (skips, saying why, where impossible)."""
    prefix = _offline_prefix()
    if isinstance(prefix, str):
        skip_or_fail_under_ci(f"offline tests: {prefix}")
    return prefix


@pytest.fixture(scope="session")
def skip_or_fail() -> Callable[[str], NoReturn]:
    """:func:`skip_or_fail_under_ci`, for the tests' own prerequisites."""
    return skip_or_fail_under_ci


def skip_or_fail_under_ci(reason: str) -> NoReturn:
    """Skip, printing why — except under CI (``CI`` set), which runs as root with apt and
    namespaces available: there a missing prerequisite is a failure, not a skip."""
    print(reason)
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (under CI this must work)", pytrace=False)
    pytest.skip(reason)


def transhub_command() -> list[str]:
    """The installed ``transhub`` console script (this environment's)."""
    script = Path(sys.executable).with_name("transhub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "transhub"]


@pytest.fixture(scope="session")
def transhub() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``transhub(argv, prefix=...)``: :func:`run_transhub`."""
    return run_transhub


def run_transhub(
    argv: Sequence[str], *, prefix: Sequence[str] = (), timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``transhub ARGV`` as a real process (behind ``prefix``, e.g. the offline one)."""
    return subprocess.run(
        [*prefix, *transhub_command(), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=dict(os.environ),
    )
