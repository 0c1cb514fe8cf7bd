"""Rows for the local provider (issue 16): OCR of 20 images and 1,000 dictionary
look-ups, each in its own process measured by :func:`measure.run` (wall time, peak RSS).

``run.py`` measures them with the other rows; ``nox -s bench`` installs
``./plugins/local[sandbox]`` (the sandbox extra brings the CJK font the sample images
are drawn with).  Run alone: ``python benchmarks/local_rows.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MB, Run, run
from rows import Bench, Row

#: A look-up after the first must take well under this (the issue's target).
LOOKUP_TARGET = 0.100

#: The OCR child: draws the given number of images of three known lines, then reads them with one
#: engine; prints the set-up time, the per-image times and how many were read exactly.
OCR_CHILD = """
import json, sys, time
from pathlib import Path
import manimgx_fonts_cjk
from PIL import Image, ImageDraw, ImageFont
from transhub.api import Hub
folder, count = Path(sys.argv[1]), int(sys.argv[2])
font = ImageFont.truetype(
    str(Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"), 36, index=2)
expected = []
for n in range(count):
    lines = [f"第{n + 1}张图片已经保存", f"Image number {n + 1} was saved.",
             "离线识别中文和English"]
    image = Image.new("RGB", (900, 230), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((20, 20 + 72 * i), line, fill="black", font=font)
    image.save(folder / f"{n:02d}.png")
    expected.append(lines)
hub = Hub()
start = time.perf_counter()
from transhub_local.recognizer import shared
shared(0, 0.5, 1280)
setup = time.perf_counter() - start
times, exact = [], 0
for n in range(count):
    t = time.perf_counter()
    result = hub.recognize_text(folder / f"{n:02d}.png", provider="local")
    times.append(time.perf_counter() - t)
    exact += [line.text for line in result.lines] == expected[n]
print(json.dumps({"setup": setup, "times": times, "exact": exact}))
"""

#: The dictionary child: the given number of look-ups, alternating Chinese and English words.
DICT_CHILD = """
import json, sys, time
from transhub.api import Hub
count = int(sys.argv[1])
words = ["翻译", "access", "行", "document", "中国", "translate", "保存", "cat", "電腦", "save"]
hub = Hub()
times = []
for n in range(count):
    t = time.perf_counter()
    hub.lookup_word(words[n % len(words)], provider="local")
    times.append(time.perf_counter() - t)
print(json.dumps({"times": times}))
"""


def _numbers(result: Run) -> dict[str, list[float] | float | int]:
    loaded: dict[str, list[float] | float | int] = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    return loaded


def measure(bench: Bench) -> list[Row]:
    """Row 13: OCR of ``ocr_images`` images with one engine; row 14: ``lookups``
    look-ups, cold (the index is built) and warm (a new process, the index on disk)."""
    images_n, lookups_n = bench.s.ocr_images, bench.s.lookups
    home = bench.folder("local-home")
    env = {**bench.env(home), "TRANSHUB_PLUGINS": "local"}
    images = bench.folder("local-images")
    ocr = run([bench.python, "-c", OCR_CHILD, str(images), str(images_n)], env=env)
    o = _numbers(ocr)
    per_image = sorted(o["times"])[len(o["times"]) // 2]  # type: ignore[arg-type]
    cold = run([bench.python, "-c", DICT_CHILD, "1"], env=env)
    warm = run([bench.python, "-c", DICT_CHILD, str(lookups_n)], env=env)
    first_cold = _numbers(cold)["times"][0]  # type: ignore[index]
    times = _numbers(warm)["times"]
    first, later = times[0], times[1:]  # type: ignore[index]
    later_mean = sum(later) / len(later)
    later_max = max(later)
    return [
        Row(13, f"local: OCR of {images_n} images (3 lines each, one engine)",
            f"{ocr.seconds:.1f} s, peak {ocr.peak_rss / MB:.0f} MB",
            f"engine set-up {o['setup']:.2f} s", f"median {per_image:.2f} s an image; "
            f"{o['exact']}/{images_n} read exactly", "reported", None),
        Row(14, f"local: {lookups_n:,} dictionary look-ups (CC-CEDICT)",
            f"{warm.seconds:.1f} s, peak {warm.peak_rss / MB:.0f} MB",
            f"first ever (index built) {first_cold:.2f} s; first in a new process "
            f"{first * 1000:.0f} ms",
            f"later: mean {later_mean * 1000:.2f} ms, max {later_max * 1000:.1f} ms",
            f"< {LOOKUP_TARGET * 1000:.0f} ms after the first", later_max < LOOKUP_TARGET),
    ]  # fmt: skip


def main() -> int:
    """Measure both rows and print them."""
    import tempfile

    from rows import Settings

    with tempfile.TemporaryDirectory(prefix="bench-local-") as work:
        bench = Bench(Settings(), Path(work))
        for row in measure(bench):
            print(f"{row.number}. {row.what}: {row.measured}; {row.baseline}; {row.result} "
                  f"({row.verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
