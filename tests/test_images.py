"""Image batches: splitting into tasks, order, duplicates, per-image failures."""

from __future__ import annotations

import json

import transhub


def test_a_batch_is_split_into_tasks_and_merged_back_in_order(cli, echo, tmp_path):
    urls = [f"https://img.example/{n}/photo.jpg" for n in range(7)]
    urls.insert(3, "https://img.example/fail.jpg")
    urls.append(urls[0])  # a repeat is translated once
    result = cli(
        "image", "translate", *urls, "--to", "en", "--provider", "echo", "-o", "out", "--json"
    )
    assert result.exit_code == 1  # one image failed
    records = json.loads(result.stdout)
    assert [r["input"] for r in records] == urls
    assert [r["status"] for r in records].count("failed") == 1
    assert records[3]["code"] == "422" and records[3]["error"] == "cannot read image"
    assert records[-1] == records[0]
    assert echo.log.count("/v1/images") == 3  # 8 distinct URLs, 3 to a task
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    # named after the source URL, in input order; the extension is the result's own
    assert names == [
        "photo-2.en.png",
        "photo-3.en.png",
        "photo-4.en.png",
        "photo-5.en.png",
        "photo-6.en.png",
        "photo-7.en.png",
        "photo.en.png",
    ]
    # urls[1] is the second image of the first task (task ids depend on timing)
    assert (tmp_path / "out" / "photo-2.en.png").read_bytes().endswith(b"/1.png")


def test_table_output_and_api(cli, echo, tmp_path):
    result = cli(
        "image", "translate", "https://img.example/a.png", "--to", "zh", "--provider", "echo"
    )
    assert result.exit_code == 0, result.stderr
    assert "completed" in result.stdout and "a.zh.png" in result.stdout
    outcomes = transhub.translate_images(
        ["https://img.example/b.png"], "zh", provider="echo", output_dir=tmp_path / "api"
    )
    assert outcomes[0].success and outcomes[0].outputs["image"].name == "b.zh.png"
    assert outcomes[0].outputs["image"].read_bytes().startswith(b"emulated image")


def test_unsafe_names_from_urls_stay_inside_the_output_folder(echo, tmp_path):
    outcomes = transhub.Hub().translate_images(
        ["https://img.example/..%2F..%2Fescape.png", "https://img.example/con.png"],
        "zh",
        provider="echo",
        output_dir=tmp_path / "out",
    )
    for outcome in outcomes:
        path = outcome.outputs["image"]
        assert path.parent == tmp_path / "out"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "escape.zh.png",
        "image_con.zh.png",
    ]


def test_one_image_failing_for_throttling_exits_with_the_throttling_code(cli, echo, monkeypatch):
    from transhub.emulation import Fault
    from transhub.errors import EXIT_CODES

    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    echo.faults.queue(Fault.THROTTLE, action="/v1/images")
    result = cli("image", "translate", "https://img.example/a.png", "--to", "en",
                 "--provider", "echo")  # fmt: skip
    assert result.exit_code == EXIT_CODES["rate-limit"], result.stdout + result.stderr
    assert "failed" in result.stdout and "1 of 1 image failed" in result.stderr
