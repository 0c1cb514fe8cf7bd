"""Uploads are streamed from disk and hashed in chunks: memory does not grow with the file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from transhub_fanyigou.client import DocumentSubmission, FanyigouClient
from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator

MB = 1024 * 1024


def peak_while_uploading(client: FanyigouClient, path: Path) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        client.upload_translate(path, DocumentSubmission(target="zh"))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_50_mb_upload_costs_no_more_memory_than_a_1_mb_one(
    options: EmulatorOptions, emulator: FanyigouEmulator, client: FanyigouClient, tmp_path: Path
) -> None:
    options.channels = 10  # both uploads run at once
    emulator.service.balances[1] = 10**6  # a 50 MB text is many pages
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    line = b"streamed upload line\n"
    small.write_bytes(line * (1 * MB // len(line)))
    large.write_bytes(line * (50 * MB // len(line)))
    peak_while_uploading(client, small)  # warm-up: imports and connection pools
    small_peak = peak_while_uploading(client, small)
    large_peak = peak_while_uploading(client, large)
    # Measured over the whole process: the client and the emulator receiving the file.
    assert large_peak - small_peak < 10 * MB, (small_peak, large_peak)
    assert emulator.log.records("uploadTranslate")[-1].file_size == large.stat().st_size
