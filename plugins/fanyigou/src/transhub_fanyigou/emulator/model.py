"""The emulator's data: its options, its tasks and the callbacks it delivered."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from transhub_fanyigou.emulator import facts

#: Test credentials of the sandbox (not secrets: they only open the emulator).
TEST_APPID = "1000000000001"
TEST_PRIVATE_KEY = "transhub-sandbox-fanyigou-key"


@dataclass
class EmulatorOptions:
    """How the emulator behaves.  Durations are in seconds."""

    appid: str = TEST_APPID
    private_key: str = field(default=TEST_PRIVATE_KEY, repr=False)
    #: From submit to done, for every kind of task.
    task_seconds: float = 2.0
    #: A finished result stays downloadable this long; then 312.
    result_ttl: float = 3600.0
    #: Translation channels of the account (320 beyond).
    channels: int = 1
    #: Balances by ``getAccount`` type: 1 document pages, 2 text characters,
    #: 3 images, 4 conversion pages.
    balances: dict[int, int] = field(
        default_factory=lambda: {1: 10_000, 2: 500_000, 3: 10_000, 4: 10_000}
    )
    #: Where to POST signed callbacks when a translation or conversion ends.
    callback_url: str | None = None
    #: detectDocPage answers ``page: 0`` and counts in the background.
    count_in_background: bool = False
    #: The finished image status (the reference's example says 0; documents use 314).
    image_done_status: int = facts.ZERO
    #: The ``trans`` success code (the reference's example says 0; other calls 100).
    trans_code: int = facts.ZERO
    #: The OCR box key the reference's example spells with a leading space.
    ocr_height_key: str = " height"
    #: First task id (random when ``None``, so ids of two runs do not collide).
    first_tid: int | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)


@dataclass
class Task:
    """One task of the emulated service."""

    tid: int
    kind: str  # "translate", "count", "convert", "image"
    title: str
    doc_type: str
    file: Path
    pages: int
    created: float
    created_at: str
    source: str = ""
    target: str = ""
    options: dict[str, str] = field(default_factory=dict)
    #: When the work (translation, conversion, background count) started; None: not yet.
    started: float | None = None
    #: The status the task ends with (314, or a failure status).
    end_status: int = facts.DONE
    finished: float | None = None
    final_status: int | None = None
    conversion: int | None = None
    #: Seconds this task takes (``None``: the options' ``task_seconds``).
    duration: float | None = None
    submitted: bool = False
    charged: bool = False


@dataclass
class Delivery:
    """One callback the emulator posted, and what the receiver answered."""

    tid: int
    status: int
    http_status: int | None
    body: str
