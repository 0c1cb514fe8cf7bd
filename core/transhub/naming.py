"""Output names for results: safe, unique within a batch, never chosen by a provider."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from transhub import validation
from transhub.capabilities.image import ImageSource
from transhub.files import safe_filename


def image_source(item: str | Path) -> ImageSource:
    text = str(item)
    if "://" in text:
        return ImageSource(url=validation.check_url(text))
    return ImageSource(path=Path(text))


#: Errors that would hit every task of a batch alike: they stop the batch.
class Stems:
    """Unique, safe output stems for a batch, from each source's file name, with
    ``-2``, ``-3``… when two sources share a name."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._stems: dict[ImageSource, str] = {}

    def reserve(self, sources: Iterable[ImageSource]) -> None:
        """Give each source its stem up front, in input order, so that names do not
        depend on which task finishes first."""
        for source in sources:
            base = source.path.name if source.path else unquote(urlsplit(source.url or "").path)
            base_stem = Path(safe_filename(base, fallback="image")).stem or "image"
            stem, number = base_stem, 1
            while stem in self._taken:
                number += 1
                stem = f"{base_stem}-{number}"
            self._taken.add(stem)
            self._stems[source] = stem

    def stem(self, source: ImageSource) -> str:
        """The stem reserved for ``source``."""
        return self._stems[source]


def existing_output(folder: Path, stem: str, target: str) -> Path | None:
    prefix = f"{stem}.{target}."
    if not folder.is_dir():
        return None
    return next((p for p in folder.iterdir() if p.name.startswith(prefix)), None)


_IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".json"}
)


def output_name(folder: Path, stem: str, target: str, artifact: str, reference: str) -> Path:
    """Where one artifact of an image result goes: ``<stem>.<target>[.<artifact>]<ext>``,
    the extension taken from the result's reference (a URL or a path), ``.json`` for
    an editor template, else ``.png``."""
    extension = Path(urlsplit(reference).path).suffix.lower() if reference else ""
    if artifact == "template":
        extension = ".json"
    if extension not in _IMAGE_EXTENSIONS:
        extension = ".png"  # a provider's URL does not get to choose, say, ".sh"
    label = "" if artifact == "image" else f".{safe_filename(artifact)}"
    return folder / f"{stem}.{target}{label}{extension}"


# -- module-level shortcuts, over one default hub --------------------------------
