"""Glossaries in the core: file parsing and validation (one-line errors naming the
line), creation once per content hash (across reruns, crashes and concurrent
processes), and the glossary commands, against the echo service."""

from __future__ import annotations

from pathlib import Path

import pytest
import transhub
from hypothesis import given, settings
from hypothesis import strategies as st
from transhub.errors import EXIT_CODES, InputError, RoutingError
from transhub.glossaries import create_glossary, ensure_glossary, read_glossary
from transhub.testing.processes import reap, spawn


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _creates(echo) -> int:
    return sum(1 for r in echo.log.records("/v1/glossaries") if r.method == "POST")


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("three.csv", "a,b\nc,d,e\n", "line 2: expected 2 comma-separated terms"),
        (
            "one.tsv",
            "a\tb\nc\n",
            "line 2: expected 2 tab-separated terms (source, target), found 1",
        ),
        ("empty.csv", "a,b\n ,d\n", "line 2: the source term is empty"),
        ("twice.csv", "a,b\n\nc,d\na,e\n", "line 4: the source term 'a' is already on line 1"),
        ("broken.csv", 'a,"b\n', "line 1:"),
        ("nothing.csv", "\n\n", "holds no term pairs"),
        ("terms.json", "{}", "must be a .csv or .tsv file"),
    ],
)
def test_bad_files_are_refused_naming_the_line(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError) as refused:
        read_glossary(path)
    message = str(refused.value)
    assert said in message and str(path) in message and "\n" not in message


def test_quoted_terms_and_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_bytes('\ufeff"Smith, John",Schmidt\n"a ""b""",c\n'.encode())
    assert read_glossary(path).terms == (("Smith, John", "Schmidt"), ('a "b"', "c"))


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,b\nc,\xe9\n")
    with pytest.raises(InputError, match="line 2: not UTF-8"):
        read_glossary(path)


def test_created_once_per_content_and_pair(echo, tmp_path: Path) -> None:
    path = _write(tmp_path, "terms.csv", "hello,bonjour\nworld,monde\n")
    hub = transhub.Hub()
    first = ensure_glossary(hub, "echo", path, "en", "fr")
    assert ensure_glossary(transhub.Hub(), "echo", path, "en", "fr") == first
    assert _creates(echo) == 1
    # Another pair, or other terms, is another glossary.
    assert ensure_glossary(hub, "echo", path, "en", "ja") != first
    _write(tmp_path, "terms.csv", "hello,salut\n")
    assert ensure_glossary(hub, "echo", path, "en", "fr") != first
    assert _creates(echo) == 3


def test_deleted_elsewhere_is_created_again(echo, tmp_path: Path) -> None:
    path = _write(tmp_path, "terms.csv", "hello,bonjour\n")
    hub = transhub.Hub()
    first = ensure_glossary(hub, "echo", path, "en", "fr")
    echo.service.glossaries.clear()
    assert ensure_glossary(hub, "echo", path, "en", "fr") != first
    assert _creates(echo) == 2


def test_a_glossary_left_by_a_crash_is_adopted_not_created_again(echo, tmp_path: Path) -> None:
    path = _write(tmp_path, "terms.csv", "hello,bonjour\n")
    hub = transhub.Hub()
    info, reused = create_glossary(hub, "echo", path, "en", "fr")
    assert not reused
    # The record is lost (as if the process died before writing it).
    (Path(transhub.paths.data_dir()) / "glossaries.db").unlink()
    again, reused = create_glossary(transhub.Hub(), "echo", path, "en", "fr")
    assert reused and again.glossary_id == info.glossary_id
    assert _creates(echo) == 1


def test_limits_and_pairs_checked_before_sending(echo, tmp_path: Path) -> None:
    long = _write(tmp_path, "long.csv", "a" * 65 + ",b\n")
    with pytest.raises(InputError, match="line 1: the source term takes 65 bytes; echo takes 64"):
        ensure_glossary(transhub.Hub(), "echo", long, "en", "fr")
    ok = _write(tmp_path, "ok.csv", "a,b\n")
    with pytest.raises(InputError, match="echo keeps no en → en glossaries"):
        ensure_glossary(transhub.Hub(), "echo", ok, "en", "en")
    assert len(echo.log) == 0


def test_a_provider_without_glossaries_is_refused(echo, parrot, tmp_path: Path) -> None:
    ok = _write(tmp_path, "ok.csv", "a,b\n")
    with pytest.raises(RoutingError, match=r"'parrot'.*does not offer glossary"):
        ensure_glossary(transhub.Hub(), "parrot", ok, "en", "fr")


def test_the_glossary_commands(echo, cli, tmp_path: Path) -> None:
    import json

    path = _write(tmp_path, "terms.tsv", "hello\tbonjour\n")
    created = cli("glossary", "create", str(path), "--from", "en", "--to", "fr", "--json")
    assert created.exit_code == 0, created.stderr
    record = json.loads(created.stdout)
    assert record["reused"] is False and record["entries"] == 1
    again = cli("glossary", "create", str(path), "--from", "en", "--to", "fr")
    assert again.stdout.strip() == record["glossary_id"] and "reused" in again.stderr
    listed = cli("glossary", "list", "--json")
    assert [g["glossary_id"] for g in json.loads(listed.stdout)] == [record["glossary_id"]]
    shown = cli("glossary", "show", record["glossary_id"], "--json")
    assert json.loads(shown.stdout)["terms"] == [{"source": "hello", "target": "bonjour"}]
    deleted = cli("glossary", "delete", record["glossary_id"], "--json")
    assert deleted.exit_code == 0, deleted.stderr
    assert json.loads(deleted.stdout) == {"glossary_id": record["glossary_id"], "deleted": True}
    gone = cli("glossary", "show", record["glossary_id"])
    assert gone.exit_code == EXIT_CODES["not-found"]
    bad = cli(
        "glossary", "create", str(_write(tmp_path, "bad.csv", "a\n")), "--from", "en", "--to", "fr"
    )
    assert bad.exit_code == EXIT_CODES["input"] and "line 1" in bad.stderr


def test_two_processes_create_it_once(echo, tmp_path: Path) -> None:
    path = _write(tmp_path, "terms.csv", "hello,bonjour\n")
    held = echo.faults.hold("/v1/glossaries", timeout=60)
    argv = ["glossary", "create", str(path), "--from", "en", "--to", "fr"]
    first = spawn(*argv)
    try:
        assert held.arrived.wait(60), "the first process never reached the service"
        # The first process holds the record's lock while its request is held.
        second = spawn(*argv)
        held.release()
        out1, err1 = first.communicate(timeout=60)
        out2, err2 = second.communicate(timeout=60)
    finally:
        reap(first, locals().get("second"))
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert out1.strip() == out2.strip()
    assert _creates(echo) == 1


_TERM = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\t\r\n"),
    min_size=1,
    max_size=20,
).filter(lambda t: t.strip() == t and t.strip() != "")


@given(
    pairs=st.dictionaries(_TERM, _TERM, min_size=1, max_size=20),
    delimiter=st.sampled_from([",", "\t"]),
)
@settings(max_examples=60, deadline=None)
def test_any_file_the_csv_module_writes_reads_back(
    pairs: dict[str, str], delimiter: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(pairs.items())
    folder = tmp_path_factory.mktemp("terms")
    path = folder / ("terms.csv" if delimiter == "," else "terms.tsv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert read_glossary(path).terms == tuple(pairs.items())
