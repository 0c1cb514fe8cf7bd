"""Apertium, run as a separate program: which language pairs are installed, and one
translation per call.

transhub-local is not linked with Apertium (GPL): it only starts the ``apertium``
program the system provides (Debian: ``apt-get install apertium apertium-eng-spa``) and
reads its installed modes, one file per direction in ``<prefix>/share/apertium/modes``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from transhub.errors import ConfigurationError, ProviderError

#: Apertium's ISO 639-3 (and older two-letter) codes → transhub's canonical codes, for
#: the languages Apertium has released pairs for.
CODES: dict[str, str] = {
    "afr": "af", "ara": "ar", "arg": "an", "ast": "ast", "bel": "be", "bul": "bg",
    "cat": "ca", "ces": "cs", "cym": "cy", "dan": "da", "deu": "de", "ell": "el",
    "eng": "en", "epo": "eo", "est": "et", "eus": "eu", "fin": "fi", "fra": "fr",
    "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi", "hun": "hu", "ind": "id",
    "isl": "is", "ita": "it", "kaz": "kk", "kir": "ky", "lav": "lv", "lit": "lt",
    "mkd": "mk", "mlt": "mt", "msa": "ms", "nld": "nl", "nob": "no", "pol": "pl",
    "por": "pt", "ron": "ro", "rus": "ru", "slk": "sk", "slv": "sl", "spa": "es",
    "sqi": "sq", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk", "urd": "ur",
    "uzb": "uz",
}  # fmt: skip
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
INSTALL = "sudo apt-get install apertium apertium-eng-spa"


def program() -> str | None:
    """The ``apertium`` program on ``PATH``."""
    return shutil.which("apertium")


def modes_folder(executable: str) -> Path:
    """Where the program's installed directions are (as ``apertium`` itself looks)."""
    return Path(executable).resolve().parent.parent / "share" / "apertium" / "modes"


def _canonical(code: str) -> str | None:
    from transhub.languages import NAMES

    canonical = CODES.get(code, code if len(code) == 2 else None)
    return canonical if canonical in NAMES else None


def installed_modes() -> dict[tuple[str, str], str]:
    """(source, target) in canonical codes → the Apertium mode that translates it.
    Variant modes (``spa-eng_US``) and languages transhub has no code for are left out."""
    executable = program()
    if executable is None:
        return {}
    folder = modes_folder(executable)
    found: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.mode")) if folder.is_dir() else ():
        match = _MODE.match(path.stem)
        if match is None:
            continue
        source, target = (_canonical(code) for code in match.groups())
        if source and target and source != target:
            found.setdefault((source, target), path.stem)
    return found


def version(executable: str) -> str:
    """``apertium -V``'s first line (empty when it says nothing)."""
    try:
        done = subprocess.run(  # noqa: S603 - the program found on PATH, fixed arguments
            [executable, "-V"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    said = (done.stdout or done.stderr).strip().splitlines()
    return said[0] if said else ""


def translate(text: str, mode: str, timeout: float) -> str:
    """``text`` through ``apertium -u -f txt MODE`` (``-u``: unknown words unmarked)."""
    executable = program()
    if executable is None:
        raise ConfigurationError("Apertium is not installed", provider="local", hint=INSTALL)
    try:
        done = subprocess.run(  # noqa: S603 - the program found on PATH, fixed arguments
            [executable, "-u", "-f", "txt", mode],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProviderError(
            f"apertium {mode} did not finish within {timeout:g} s", provider="local"
        ) from None
    except OSError as exc:
        raise ProviderError(f"apertium could not run: {exc}", provider="local") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise ProviderError(
            f"apertium {mode} failed (exit {done.returncode}): {said}", provider="local"
        )
    return done.stdout.rstrip("\n")
