"""Job requests are typed, one model per capability, discriminated in the journal; the
rows earlier versions wrote (no discriminator) are read and resumed all the same."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from transhub.capabilities.document import ConvertFormat, DocumentOptions, OutputKind
from transhub.capabilities.image import ImageOptions
from transhub.capabilities.kinds import Capability
from transhub.errors import TranshubError
from transhub.jobs.model import Item, ItemStatus, JobState
from transhub.jobs.requests import (
    ConvertJobRequest,
    DocumentJobRequest,
    ImageJobRequest,
    JobRequest,
)
from transhub.journal import Journal, open_journal

URL = "https://img.example.com/sign.png"

#: The requests as the journal of commit 8120b78 (before typed requests) wrote them:
#: copied from a journal that code wrote for `doc translate --bilingual`, `doc convert
#: --format pdf` and `image translate URL -o out`; ``{in}``/``{out}`` stand for folders.
MAIN_ROWS = {
    Capability.DOCUMENT: '{"glossary_digest": null, "kind": "same", "options": {"all_sheets":'
    ' false, "bilingual": true, "formality": null, "glossary_id": null, "industry": null,'
    ' "output_format": null, "translate_images": false}, "overwrite": false, "path":'
    ' "{in}/notes.txt", "prepared_task_id": null, "source": null, "target": "zh"}',
    Capability.CONVERT: '{"format": "pdf", "overwrite": false, "path": "{in}/notes.txt",'
    ' "source": null}',
    Capability.IMAGE: '{"options": {"editor_data": false, "field": null, "ignore_entity":'
    ' false}, "output_dir": "{out}", "overwrite": false, "source": null, "target": "zh"}',
}


def _old(capability: Capability, folder: Path, out: Path) -> str:
    return MAIN_ROWS[capability].replace("{in}", str(folder)).replace("{out}", str(out))


def _item(capability: Capability, folder: Path, out: Path) -> Item:
    if capability is Capability.IMAGE:
        return Item(0, URL, "print-image", {"stem": "sign", "path": "", "url": URL})
    suffix = ".zh.txt" if capability is Capability.DOCUMENT else ".pdf"
    path = folder / "notes.txt"
    return Item(0, str(path), f"print-{capability}", {"document": str(out / f"notes{suffix}")})


def _set_request(path: Path, job_id: str, stored: str) -> None:
    """Write a request column as another version would have (raw SQL)."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE jobs SET request = ? WHERE id = ?", (stored, job_id))


NEW: list[JobRequest] = [
    DocumentJobRequest(
        path=Path("/in/a.docx"),
        target="zh",
        source="en",
        options=DocumentOptions(bilingual=True, glossary_id="g-1"),
        kind=OutputKind.PDF,
        overwrite=True,
        prepared_task_id="t-1",
        glossary_digest="d" * 64,
    ),
    ConvertJobRequest(path=Path("/in/a.pdf"), format=ConvertFormat.WORD, source="zh"),
    ImageJobRequest(target="en", options=ImageOptions(field="e-commerce"), output_dir=Path("/out")),
]


@pytest.mark.parametrize("request_", NEW, ids=lambda r: r.capability)
def test_a_request_comes_back_from_the_journal_as_its_model(
    tmp_path: Path, request_: JobRequest
) -> None:
    journal = Journal(tmp_path / "jobs.db")
    item = Item(0, "input", "print", {})
    job = journal.create(
        provider="p", capability=request_.capability, request=request_, items=[item]
    )
    again = journal.get(job.id)
    assert again.request == request_ and type(again.request) is type(request_)
    assert again.capability is Capability(request_.capability)
    assert again.items[0].state is ItemStatus.PENDING
    journal.close()
    with sqlite3.connect(tmp_path / "jobs.db") as db:
        (stored,) = db.execute("SELECT request FROM jobs").fetchone()
    assert json.loads(stored)["capability"] == request_.capability


def test_a_file_name_that_is_not_utf8_survives_the_journal(tmp_path: Path) -> None:
    name = os.fsdecode(b"/in/\xe9tiquette.docx")  # lone surrogates, as Python reads it
    request = DocumentJobRequest(path=Path(name), target="zh")
    journal = Journal(tmp_path / "jobs.db")
    job = journal.create(
        provider="p", capability="document", request=request, items=[Item(0, name, "f", {})]
    )
    assert journal.get(job.id).request.path == Path(name)  # type: ignore[union-attr]


@pytest.mark.parametrize("capability", list(MAIN_ROWS), ids=str)
def test_rows_of_the_version_before_are_read_by_their_capability(
    tmp_path: Path, capability: Capability
) -> None:
    journal = Journal(tmp_path / "jobs.db")
    job = journal.create(
        provider="echo",
        capability=capability,
        request=NEW[list(MAIN_ROWS).index(capability)],
        items=[_item(capability, tmp_path, tmp_path)],
    )
    old = json.loads(_old(capability, tmp_path, tmp_path / "out"))
    # Keys no model knows (any more) are ignored, in the request and in its options.
    old["dropped_key"] = {"any": "thing"}
    if "options" in old:
        old["options"]["dropped_option"] = True
    _set_request(tmp_path / "jobs.db", job.id, json.dumps(old))
    request = journal.get(job.id).request
    assert request.capability == capability.value
    if isinstance(request, DocumentJobRequest):
        assert request.path == tmp_path / "notes.txt" and request.target == "zh"
        assert request.options.bilingual is True and request.kind is OutputKind.SAME
    elif isinstance(request, ConvertJobRequest):
        assert request.path == tmp_path / "notes.txt" and request.format is ConvertFormat.PDF
    else:
        assert request.output_dir == tmp_path / "out" and request.target == "zh"
        assert request.options == ImageOptions()


def test_an_unreadable_request_names_the_job_and_how_to_drop_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "jobs.db")
    job = journal.create(
        provider="echo", capability="document", request=NEW[0], items=[Item(0, "a", "f", {})]
    )
    _set_request(tmp_path / "jobs.db", job.id, '{"target": "zh"}')
    with pytest.raises(TranshubError) as caught:
        journal.get(job.id)
    assert f"job {job.id}: its recorded request cannot be read" in str(caught.value)
    assert "path" in str(caught.value) and f"jobs forget {job.id}" in str(caught.value)


@pytest.mark.parametrize("capability", list(MAIN_ROWS), ids=str)
def test_a_job_the_version_before_left_submitting_is_resumed(
    cli, echo, isolated, tmp_path: Path, capability: Capability
) -> None:
    """A job of every capability, left in ``submitting`` (nothing sent) by the code of
    the version before, is finished by ``jobs resume``: its request drives it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("first line\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    journal = open_journal()
    job = journal.create(
        provider="echo",
        capability=capability,
        request=NEW[list(MAIN_ROWS).index(capability)],
        items=[_item(capability, folder, out)],
    )
    _set_request(journal.path, job.id, _old(capability, folder, out))

    resumed = cli("jobs", "resume", job.id)

    assert resumed.exit_code == 0, resumed.stderr
    done = journal.get(job.id)
    assert done.state is JobState.COMPLETED
    assert done.items[0].state is ItemStatus.COMPLETED
    (saved,) = done.items[0].outputs.values()
    assert Path(saved["path"]).parent == out and Path(saved["path"]).is_file()
    shown = json.loads(cli("jobs", "show", job.id, "--json").stdout)
    assert shown["request"]["capability"] == capability.value
    assert shown["items"][0]["status"] == "completed"
