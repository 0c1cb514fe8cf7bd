"""RapidOCR, with the PP-OCR models its wheel ships, run through onnxruntime.

Importing this module is cheap; :class:`Recognizer` imports rapidocr (and with it
onnxruntime, OpenCV and numpy) when it is built.  The model files are named explicitly,
so rapidocr never looks for — or downloads — any other model: when a bundled file is
missing the engine refuses to start and says how to reinstall it.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from transhub.errors import ConfigurationError, InputError

if TYPE_CHECKING:
    from rapidocr.utils.output import RapidOCROutput

#: The models rapidocr's wheel ships, by stage (what its default configuration uses).
MODELS: dict[str, str] = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
INSTALL = "pip install --force-reinstall rapidocr onnxruntime"


def models_folder() -> Path | None:
    """The ``models`` folder of the installed rapidocr (found without importing it)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def missing_models() -> list[str]:
    """The bundled model files that are not there (all of them without rapidocr)."""
    folder = models_folder()
    if folder is None:
        return list(MODELS.values())
    return [name for name in MODELS.values() if not (folder / name).is_file()]


@dataclass(frozen=True)
class Line:
    """One recognised line: its text, confidence and corner points (x, y)."""

    text: str
    score: float
    corners: tuple[tuple[float, float], ...]


class Recognizer:
    """One loaded OCR engine (about a second to build; share it).  Thread-safe: one
    image at a time, since rapidocr's pipeline keeps state between its stages."""

    def __init__(self, *, threads: int = 0, min_score: float = 0.5, max_side: int = 1280) -> None:
        folder = models_folder()
        missing = missing_models()
        if folder is None or missing:
            raise ConfigurationError(
                f"local OCR cannot start: rapidocr's bundled models are missing "
                f"({', '.join(missing)})",
                provider="local",
                hint=INSTALL,
            )
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise ConfigurationError(
                f"local OCR cannot start: {exc}", provider="local", hint=INSTALL
            ) from None
        params: dict[str, object] = {
            "Global.log_level": "error",
            "Global.text_score": min_score,
            # rapidocr's default scales an image up until its *shortest* side is 736 px
            # (an 800×220 scan is detected at 2676×736: 600 MB and seconds); scaling only
            # down to a longest side keeps memory near 270 MB and reads the same text.
            "Det.limit_type": "max",
            "Det.limit_side_len": max_side,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
        }
        params |= {f"{stage}.model_path": str(folder / name) for stage, name in MODELS.items()}
        self._engine = RapidOCR(params=params)
        self._lock = threading.Lock()

    def read(self, path: Path) -> list[Line]:
        """The lines of the image at ``path``, top to bottom."""
        with self._lock:
            try:
                # Detection, classification and recognition all run: the full result.
                output = cast("RapidOCROutput", self._engine(str(path)))
            except Exception as exc:  # rapidocr raises its own loader errors
                raise InputError(
                    f"cannot be read as an image ({type(exc).__name__}: {exc})", path=path
                ) from None
        from rapidocr.utils.output import RapidOCROutput

        if not isinstance(output, RapidOCROutput):  # a single stage's output: not asked for
            raise TypeError(f"rapidocr answered {type(output).__name__}, not a whole reading")
        texts = output.txts or ()
        scores = output.scores or ()
        boxes = output.boxes.tolist() if output.boxes is not None else []
        return [
            Line(str(text), float(score), tuple((float(x), float(y)) for x, y in box))
            for text, score, box in zip(texts, scores, boxes, strict=False)
        ]


_shared: dict[tuple[int, float, int], Recognizer] = {}
_shared_lock = threading.Lock()


def shared(threads: int, min_score: float, max_side: int) -> Recognizer:
    """The process's recognizer for these settings (built on first use)."""
    key = (threads, min_score, max_side)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Recognizer(threads=threads, min_score=min_score, max_side=max_side)
        return _shared[key]
