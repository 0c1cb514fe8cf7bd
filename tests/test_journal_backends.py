"""The journal on both backends — SQLite and PostgreSQL, each test on a fresh journal of
each (the ``journal_url`` fixture): the same records, claims, channel leases, schema
checks, and no password anywhere.  Real processes where concurrency matters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES, ConfigurationError, NotFoundError
from transhub.jobs.channels import Channels, OwnershipLost
from transhub.jobs.claims import Holder
from transhub.jobs.owners import this_process
from transhub.jobs.requests import DocumentJobRequest
from transhub.journal import Item, ItemStatus, JobState, Journal
from transhub.journal.schema import SCHEMA_VERSION
from transhub.testing import invoke, processes

#: The request of the jobs these tests record (its content does not matter here).
REQUEST = DocumentJobRequest(path=Path("/in/a.txt"), target="zh")

DEADLINE = 60.0
ODD = "/in/caf\udce9.txt"  # a file name that is not UTF-8 (a lone surrogate)


def item(name: str, fingerprint: str | None = None) -> Item:
    return Item(0, f"/in/{name}.txt", fingerprint or f"print-{name}", {"document": f"/o/{name}"})


def test_a_job_round_trips_with_every_field(journal_url: str) -> None:
    journal = Journal(journal_url)
    first = Item(0, ODD, "fp", {"document": "/o/a"}, input_size=3, input_sha256="abc")
    request = DocumentJobRequest(path=Path(ODD), target="zh", source="fr")
    job = journal.create(provider="echo", capability="document", request=request, items=[first])
    journal.update(
        job.id,
        state=JobState.RUNNING,
        task_id="t-1",
        percent=12.5,
        pages=3,
        billed_characters=50_000,
        attempts=[{"provider": "deepl", "error": "quota"}],
        lease_until=1234.125,
        message="bad \x00 byte in a quoted answer",
    )
    saved = {"document": {"path": "/o/caf\udce9.zh.txt", "sha256": "d1", "size": 9}}
    journal.update_item(job.id, 0, state="completed", outputs=saved)
    again = journal.get(job.id[:5])  # a unique prefix
    assert again.id == job.id and again.state is JobState.RUNNING
    assert again.request == request and again.task_id == "t-1"
    assert (again.percent, again.pages, again.lease_until) == (12.5, 3, 1234.125)
    assert again.billed_characters == 50_000
    assert again.attempts == [{"provider": "deepl", "error": "quota"}]
    assert "bad" in again.message and "byte" in again.message
    (read,) = again.items
    assert read.input == ODD and read.input_size == 3 and read.outputs == saved
    assert journal.output_at(Path("/o/caf\udce9.zh.txt")) == ("d1", "fp", job.id)
    (row,) = journal.summaries()
    assert row["input"] == ODD and row["job_id"] == job.id and row["items"] == 1
    assert journal.state_counts() == {"running": 1}
    assert journal.forget([job.id]) == 1
    with pytest.raises(NotFoundError):
        journal.get(job.id)
    journal.close()


def test_a_tasks_item_changes_are_one_transaction(journal_url: str) -> None:
    """``update_items``: several items' changes (an image task's results) in one write,
    outputs indexed as ``update_item`` indexes them; an unknown field writes nothing."""
    journal = Journal(journal_url)
    images = [Item(n, f"https://img.example.com/{n}.png", f"fp-{n}", {}) for n in range(3)]
    job = journal.create(provider="echo", capability="image", request=REQUEST, items=images)
    writes: list[object] = []
    write = journal.backend.write

    def counted(*args: object, **kwargs: object) -> object:
        writes.append(args)
        return write(*args, **kwargs)

    journal.backend.write = counted
    saved = {"image": {"path": "/o/2.en.png", "sha256": "s2", "size": 5}}
    journal.update_items(
        job.id,
        [
            (0, {"state": ItemStatus.FAILED, "code": "107", "message": "no text"}),
            (2, {"state": ItemStatus.COMPLETED, "artifacts": {"image": "u2"}, "outputs": saved}),
        ],
    )
    assert len(writes) == 1
    first, second, third = journal.get(job.id).items
    assert (first.state, first.code, first.message) == (ItemStatus.FAILED, "107", "no text")
    assert second.state is ItemStatus.PENDING and not second.outputs
    assert third.state is ItemStatus.COMPLETED and third.outputs == saved
    assert third.artifacts == {"image": "u2"}
    assert journal.output_at(Path("/o/2.en.png")) == ("s2", "fp-2", job.id)
    with pytest.raises(ValueError, match="unknown item fields"):
        journal.update_items(job.id, [(1, {"state": ItemStatus.FAILED}), (2, {"bogus": 1})])
    assert len(writes) == 1 and journal.get(job.id).items[1].state is ItemStatus.PENDING
    journal.update_items(job.id, [])  # nothing to change: no transaction
    assert len(writes) == 1
    journal.close()


def test_listing_is_newest_first_and_prune_keeps_live_jobs(journal_url: str) -> None:
    journal = Journal(journal_url)
    ids = [
        journal.create(
            provider="p", capability="document", request=REQUEST, items=[item(str(n))]
        ).id
        for n in range(5)
    ]
    assert [r["job_id"] for r in journal.summaries()] == ids[::-1]
    assert [r["job_id"] for r in journal.summaries(limit=2)] == ids[:2:-1][:2]
    journal.update(ids[0], state=JobState.COMPLETED)
    assert [j.id for j in journal.jobs(states=["completed"])] == [ids[0]]
    assert journal.prune(older_than_days=-1) == 1  # only the final one
    assert len(list(journal.summaries())) == 4
    journal.close()


def test_batches_are_recorded_and_closed(journal_url: str) -> None:
    journal = Journal(journal_url)
    batch = journal.open_batch({"inputs": ["a", "b"]})
    assert journal.open_batches() == [(batch, {"inputs": ["a", "b"]})]
    (slot,) = journal.claim(
        provider="p",
        capability="document",
        request=lambda items: REQUEST,
        items=[item("a")],
        owner=str(this_process()),
        batch_id=batch,
    )
    journal.update(slot.job_id, state=JobState.FAILED, error="refused")
    assert journal.failed_in_batch(batch, "print-a") == (slot.job_id, "refused")
    journal.close_batch(batch)
    assert journal.open_batches() == []
    journal.close()


def test_a_claim_returns_its_new_jobs_as_the_journal_reads_them(journal_url: str) -> None:
    journal = Journal(journal_url)
    batch = journal.open_batch({"inputs": ["a", "b", "c"]})
    odd = Item(0, ODD, "print-odd", {"document": "/o/odd"}, input_size=3, input_sha256="ab")
    given = [odd, item("b"), item("c", "print-odd")]  # the third repeats the first's work
    given[0].alternates = ("print-later",)  # looked at by the claim, never recorded
    slots = journal.claim(
        provider="p",
        capability="document",
        request=lambda items: REQUEST,
        items=given,
        owner=str(this_process()),
        per_job=1,
        batch_id=batch,
    )
    assert [s.new for s in slots] == [True, True, False] and slots[2].job is None
    for slot in slots[:2]:
        assert slot.job is not None and slot.job == journal.get(slot.job_id)
        assert slot.job.items[0].alternates == ()
    # The job's items are its own: changing them leaves the caller's items alone.
    assert slots[0].job is not None
    slots[0].job.items[0].plan["document"] = "/elsewhere"
    assert odd.plan == {"document": "/o/odd"} and odd.alternates == ("print-later",)
    journal.close()


def test_an_id_already_taken_is_drawn_again(
    journal_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new job's insert is its own id check (``ON CONFLICT DO NOTHING``): a drawn id
    that a job already has leaves that job alone and is drawn again."""
    import transhub.journal.store as store

    journal = Journal(journal_url)
    drawn = iter(["aaaa0001", "aaaa0001", "bbbb0002"])
    monkeypatch.setattr(store.secrets, "token_hex", lambda _n: next(drawn))
    first = journal.create(provider="p", capability="document", request=REQUEST, items=[item("a")])
    (slot,) = journal.claim(
        provider="q", capability="document", request=lambda items: REQUEST,
        items=[item("b")], owner=str(this_process()),
    )  # fmt: skip
    assert (first.id, slot.job_id) == ("aaaa0001", "bbbb0002")
    assert journal.get("aaaa0001") == first and journal.get("bbbb0002") == slot.job
    assert journal.state_counts() == {"submitting": 2}
    journal.close()


def test_a_second_claim_finds_the_first_and_one_adopter_wins(journal_url: str) -> None:
    journal = Journal(journal_url)
    owner = str(this_process())

    def claim(*names: str) -> list:
        return journal.claim(
            provider="p",
            capability="document",
            request=lambda items: REQUEST,
            items=[item(n) for n in names],
            owner=owner,
        )

    first = claim("a", "b", "a")  # a repeat inside one claim is one job
    assert first[0].new and first[1].new and first[2].job_id == first[0].job_id
    again = claim("a")[0]
    assert again.holder is not None and again.holder.job_id == first[0].job_id
    # An orphan (its lease lapsed): of two adopters, exactly one takes it.
    journal.update(first[0].job_id, lease_until=time.time() - 1)
    state, who, lease = journal.state_of(first[0].job_id)
    orphan = Holder(first[0].job_id, 0, state, who, lease, None)
    other = Journal(journal_url)
    wins = [journal.adopt(orphan, owner), other.adopt(orphan, "1@elsewhere#1")]
    assert sorted(wins) == [False, True]
    journal.close()
    other.close()


def test_a_move_claims_the_new_fingerprint_in_the_same_transaction(journal_url: str) -> None:
    """A job moved to another provider takes that provider's fingerprint — seen by the
    next claim at once — unless another job holds that work already: then nothing of
    the job changes and the holder is returned.  Claims look at alternates in order."""
    journal = Journal(journal_url)
    owner = str(this_process())

    def claim(name: str, fingerprint: str, *alternates: str) -> list:
        work = Item(0, f"/in/{name}.txt", fingerprint, {}, alternates=alternates)
        return journal.claim(
            provider="p",
            capability="document",
            request=lambda items: REQUEST,
            items=[work],
            owner=owner,
        )

    [moving] = claim("a", "at-deepl")
    assert journal.move(moving.job_id, owner, ["at-fanyigou"], provider="fanyigou") is None
    moved = journal.get(moving.job_id)
    assert (moved.provider, moved.items[0].fingerprint) == ("fanyigou", "at-fanyigou")
    [named] = claim("a", "at-fanyigou")  # another run naming Fanyigou finds the moved job
    assert named.holder is not None and named.holder.job_id == moving.job_id
    [ahead] = claim("a", "at-deepl", "at-fanyigou")  # fallback on: alternates looked at
    assert ahead.holder is not None and ahead.holder.job_id == moving.job_id
    # A second job at DeepL whose move finds the Fanyigou work held: it stays as it was.
    [second] = claim("b", "b-at-deepl")
    holder = journal.move(second.job_id, owner, ["at-fanyigou"], provider="fanyigou")
    assert holder is not None and holder.job_id == moving.job_id
    stayed = journal.get(second.job_id)
    assert (stayed.provider, stayed.items[0].fingerprint) == ("p", "b-at-deepl")
    # Only the owner moves a job.
    from transhub.jobs.runner import ClaimLostError

    with pytest.raises(ClaimLostError):
        journal.move(second.job_id, "1@elsewhere#1", ["free"], provider="fanyigou")
    assert journal.get(second.job_id).items[0].fingerprint == "b-at-deepl"
    # A job that gave its work up so is no failure of that work in its batch.
    batch = journal.open_batch({"kind": "document"})
    [given] = journal.claim(
        provider="p",
        capability="document",
        request=lambda items: REQUEST,
        items=[item("c")],
        owner=owner,
        batch_id=batch,
    )
    journal.update(given.job_id, state=JobState.FAILED, error="held", error_kind="superseded")
    assert journal.failed_in_batch(batch, "print-c") is None
    journal.update(given.job_id, error_kind="job-failed")
    assert journal.failed_in_batch(batch, "print-c") == (given.job_id, "held")
    journal.close()


CLAIMER = """
import sys, time
from transhub.journal import Item, Journal
from pathlib import Path
from transhub.jobs.requests import DocumentJobRequest
REQUEST = DocumentJobRequest(path=Path("/in/a.txt"), target="zh")
journal = Journal(sys.argv[1])
start = float(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)
prints = [f"work-{(n * int(sys.argv[2]) * 7) % 40}" for n in range(40)]
size = int(sys.argv[4])  # inputs per claim: 1, or 40 (a big claim takes one lock for all)
new = 0
for start in range(0, 40, size):
    slots = journal.claim(provider="p", capability="document", request=lambda items: REQUEST,
                          items=[Item(0, "/in/" + f, f, {}) for f in prints[start:start + size]],
                          owner=f"{sys.argv[2]}@claimer#1")
    new += sum(slot.new for slot in slots)
print(new)
"""


@pytest.mark.parametrize("size", [1, 40])
def test_four_processes_claiming_the_same_work_make_one_job_of_each(
    journal_url: str, size: int
) -> None:
    start = time.time() + 2.0  # every process connected and waiting by then
    claimers = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, journal_url, str(n), str(start), str(size)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 3, 9, 11)  # each walks the 40 inputs in another order
    ]
    made = 0
    for claimer in claimers:
        out, err = claimer.communicate(timeout=DEADLINE)
        assert claimer.returncode == 0, err
        made += int(out)
    journal = Journal(journal_url)
    jobs = list(journal.jobs())
    assert made == 40 and len(jobs) == 40
    assert len({j.items[0].fingerprint for j in jobs}) == 40
    journal.close()


def test_a_dropped_connection_is_opened_again(postgres_url: str) -> None:
    """The server ends the journal's connection (a restart, a failover, an idle
    timeout): the next read and the next write work on a new one."""
    import psycopg
    from transhub.testing.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        journal = Journal(url, migrate=False)
        journal.backend.migrate()
        for operation in ("read", "write"):
            (pid,) = journal.backend.read("SELECT pg_backend_pid() AS pid")
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid["pid"],))
            if operation == "read":
                assert journal.state_counts() == {}
            else:
                job = journal.create(
                    provider="p", capability="document", request=REQUEST, items=[item("a")]
                )
                assert journal.get(job.id).state is JobState.SUBMITTING
        journal.close()


def test_a_transaction_aborted_by_a_deadlock_is_run_again(postgres_url: str) -> None:
    """Two writes lock two jobs in opposite orders: PostgreSQL aborts one of them as a
    deadlock, and the journal runs it again from its start — both complete."""
    from transhub.testing.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        first, second = Journal(url, migrate=False), Journal(url, migrate=False)
        first.backend.migrate()
        a, b = (
            first.create(provider="p", capability="document", request=REQUEST, items=[item(n)]).id
            for n in ("a", "b")
        )
        both_hold_one = threading.Barrier(2, timeout=DEADLINE)
        runs: list[str] = []

        def crossing(mine: str, theirs: str, name: str):
            def action(db):
                runs.append(name)
                db.execute("SELECT id FROM jobs WHERE id = ? FOR UPDATE", (mine,))
                if runs.count(name) == 1:
                    both_hold_one.wait()  # the first time only: then they cross
                db.execute("UPDATE jobs SET message = ? WHERE id = ?", (name, theirs))
                return name

            return action

        done: dict[str, str] = {}
        errors: list[BaseException] = []

        def run_write(journal: Journal, action, name: str) -> None:
            try:
                done[name] = journal.backend.write(action)
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=run_write, args=(first, crossing(a, b, "x"), "x")),
            threading.Thread(target=run_write, args=(second, crossing(b, a, "y"), "y")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        assert not errors, errors
        assert done == {"x": "x", "y": "y"}
        assert len(runs) == 3  # one of the two ran again
        assert {first.get(a).message, first.get(b).message} == {"x", "y"}
        first.close()
        second.close()


# -- channels --------------------------------------------------------------------------


def test_channels_are_never_overbooked_by_racing_holders(journal_url: str) -> None:
    channels = Channels("fanyigou", "acct", 2)
    owner = str(this_process())
    running: list[int] = []
    peak = [0]
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        journal = Journal(journal_url)  # a connection of its own, as a process has
        try:
            for k in range(8):
                while (slot := journal.take_channel(channels, owner, f"job-{n}-{k}")) is None:
                    time.sleep(0.001)
                with lock:
                    running.append(slot)
                    peak[0] = max(peak[0], len(running))
                    assert len(set(running)) == len(running)  # no slot twice
                time.sleep(0.002)
                with lock:
                    running.remove(slot)
                journal.give_channel(channels, slot, owner)
        except BaseException as exc:
            errors.append(exc)
        finally:
            journal.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert not errors, errors
    assert peak[0] == 2  # both channels used, never a third


def test_a_channel_is_taken_over_by_its_job_and_freed_by_a_lapsed_lease(journal_url: str) -> None:
    journal = Journal(journal_url)
    channels = Channels("fanyigou", "acct", 1)
    job = journal.create(
        provider="fanyigou", capability="document", request=REQUEST, items=[item("a")]
    )
    journal.update(job.id, state=JobState.RUNNING, task_id="t")
    assert journal.take_channel(channels, "7@host-a#1", job.id) == 0
    assert journal.take_channel(channels, "8@host-b#1", "another") is None
    # Given back while its task runs remotely: still taken, except by its own job.
    journal.give_channel(channels, 0, "7@host-a#1", running=True)
    assert journal.take_channel(channels, "8@host-b#1", "another") is None
    assert journal.take_channel(channels, "8@host-b#1", job.id) == 0  # the adopter
    (held,) = journal.channels_in_use()
    assert held["owner"] == "8@host-b#1" and held["job_id"] == job.id
    # A holder that stopped renewing: free once its lease lapsed.
    journal.backend.write(lambda db: db.execute("UPDATE channels SET lease_until = 1"))
    assert journal.take_channel(channels, "9@host-c#1", "third") == 0
    journal.close()


def test_a_take_that_marks_sending_and_a_give_that_records_the_job_are_one_write(
    journal_url: str,
) -> None:
    """A submit's channel and its ``sending_at`` are one transaction, taken only while
    the taker owns the job; a task's channel given back and its final status too."""
    journal = Journal(journal_url)
    channels = Channels("fanyigou", "acct", 1)
    job = journal.create(
        provider="fanyigou", capability="document", request=REQUEST, items=[item("a")]
    )
    journal.update(job.id, owner="7@host-a#1")
    with pytest.raises(OwnershipLost):  # another process owns the job: nothing taken
        journal.take_channel(channels, "8@host-b#1", job.id, sending="2026-01-01T00:00:00")
    assert journal.channels_in_use() == []
    assert journal.get(job.id).sending_at is None
    assert journal.take_channel(channels, "7@host-a#1", job.id, sending="2026-01-01T00:00:01") == 0
    assert journal.get(job.id).sending_at == "2026-01-01T00:00:01"
    finished = {"state": JobState.FINISHED, "finished_at": "2026-01-01T00:00:02", "pages": 3}
    journal.give_channel(channels, 0, "7@host-a#1", job=(job.id, finished))
    assert journal.channels_in_use() == []
    recorded = journal.get(job.id)
    assert (recorded.state, recorded.finished_at, recorded.pages) == (
        JobState.FINISHED,
        "2026-01-01T00:00:02",
        3,
    )
    journal.close()


def test_a_channel_given_back_is_announced_to_other_processes(postgres_url: str) -> None:
    """PostgreSQL: waiters on other machines hear of a release at once (LISTEN/NOTIFY),
    instead of at their next look."""
    import psycopg
    from transhub.testing.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        journal = Journal(url, migrate=False)
        journal.backend.migrate()
        channels = Channels("fanyigou", "acct", 1)
        assert journal.take_channel(channels, "1@a#1", "job") == 0
        with psycopg.connect(url, autocommit=True) as listener:
            listener.execute("LISTEN transhub_channels")
            journal.give_channel(channels, 0, "1@a#1")
            heard = list(listener.notifies(timeout=DEADLINE, stop_after=1))
        assert [n.channel for n in heard] == ["transhub_channels"]
        assert heard[0].payload.endswith(" fanyigou/acct")  # which account's channel
        woken: list[str] = []
        heard_one = threading.Event()

        def wake(key: str) -> None:
            woken.append(key)
            heard_one.set()

        journal.backend.watch_releases(wake)  # what a waiting process runs: listening now
        with psycopg.connect(url, autocommit=True) as other:  # another process's release
            other.execute("SELECT pg_notify('transhub_channels', 'other-1 fanyigou/acct')")
        assert heard_one.wait(DEADLINE)
        assert woken == ["fanyigou/acct"]
        journal.close()


# -- schema versions and secrets -------------------------------------------------------


def test_a_postgres_journal_behind_is_an_error_naming_migrate(postgres_url: str) -> None:
    from transhub.testing.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        with pytest.raises(ConfigurationError, match=r"version 0, .*transhub journal migrate"):
            Journal(url)
        env = {"TRANSHUB_JOURNAL_URL": url}
        listed = run(["jobs", "list"], env)
        assert listed.returncode == EXIT_CODES["configuration"], listed.stderr
        assert listed.stderr.count("\n") == 1 and "transhub journal migrate" in listed.stderr
        done = run(["journal", "migrate", "--json"], env)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {
            "backend": "postgresql",
            "url": url,
            "from_version": 0,
            "to_version": SCHEMA_VERSION,
        }
        again = run(["journal", "migrate"], env)
        assert "already current" in again.stdout
        assert run(["jobs", "list", "--json"], env).stdout.strip() == "[]"
        # A journal written by a newer transhub: a clear error too.
        journal = Journal(url)
        journal.backend.write(lambda db: db.execute("UPDATE transhub_schema SET version = 99"))
        journal.close()
        with pytest.raises(ConfigurationError, match="version 99, newer than this transhub"):
            Journal(url)


@pytest.mark.parametrize(
    "url", ["mysql://u:s3cret@h/db", "host=h password=s3cret dbname=db", "sqlite://h/x.db"]
)
def test_an_unsupported_journal_url_is_a_configuration_error(url: str) -> None:
    result = invoke(["-c", f"journal.url={url}", "jobs", "list"])
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "journal.url" in result.stderr and "s3cret" not in result.stderr


def test_the_sending_mark_is_committed_durably_and_the_rest_is_not(tmp_path: Path) -> None:
    """SQLite commits with synchronous=NORMAL (durable across a process's crash); the
    sending mark, which a paid request's fate rests on, with FULL (a power loss too)."""
    journal = Journal(f"sqlite:///{tmp_path / 'jobs.db'}")
    backend = journal.backend
    level = "PRAGMA synchronous"
    assert backend.write(lambda db: db.execute(level).fetchone()[0]) == 1  # NORMAL
    assert backend.write(lambda db: db.execute(level).fetchone()[0], durable=True) == 2  # FULL
    assert backend.write(lambda db: db.execute(level).fetchone()[0]) == 1
    seen: list[bool] = []
    write = backend.write

    def spied(action, *, durable=False):  # type: ignore[no-untyped-def]
        seen.append(durable)
        return write(action, durable=durable)

    backend.write = spied  # type: ignore[method-assign]
    job = journal.create(
        provider="fanyigou", capability="document", request=REQUEST, items=[item("a")]
    )
    journal.update(job.id, owner="1@a#1")
    del seen[:]
    assert journal.begin_sending(job.id, "1@a#1")
    assert journal.take_channel(Channels("fanyigou", "acct", 1), "1@a#1", job.id, sending="x") == 0
    journal.update(job.id, percent=50.0)
    assert seen == [True, True, False]
    journal.close()


def test_a_newer_sqlite_journal_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "jobs.db"
    Journal(path).backend.write(lambda db: db.execute("PRAGMA user_version=99"))
    with pytest.raises(ConfigurationError, match="version 99, newer than this transhub"):
        Journal(path)


def test_the_password_is_never_shown(postgres_url: str, echo, sample: Path) -> None:
    """A URL with a password (the test server trusts loopback, so any password
    connects): masked in config show, journal status, errors, and absent from the
    journal's contents after a translation."""
    from transhub.testing.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        secret = "s3cret-Pa55"
        with_password = url.replace("@", f":{secret}@", 1)
        env = {"TRANSHUB_JOURNAL_URL": with_password}
        outputs = [run(["journal", "migrate"], env)]
        translate = ["-vv", "doc", "translate", str(sample), "--to", "zh", "--provider", "echo"]
        outputs.append(run(translate, env))
        assert outputs[-1].returncode == 0, outputs[-1].stderr
        outputs.append(run(["journal", "status", "--json"], env))
        outputs.append(run(["config", "show"], env))
        outputs.append(run(["config", "get", "journal.url"], env))
        wrong = with_password.rsplit("/", 1)[0] + "/no_such_database"
        failed = run(["jobs", "list"], {"TRANSHUB_JOURNAL_URL": wrong})
        outputs.append(failed)
        assert failed.returncode == EXIT_CODES["transient"], failed.stderr
        assert "no_such_database" in failed.stderr
        for done in outputs:
            assert secret not in done.stdout + done.stderr
        assert "********" in outputs[3].stdout
        status = json.loads(outputs[2].stdout)
        assert status["jobs"] == {"completed": 1}
        assert status["backend"] == "postgresql" and status["schema_version"] == SCHEMA_VERSION
        assert status["url"] == with_password.replace(secret, "********")
        journal = Journal(with_password)
        tables = ("jobs", "items", "outputs", "batches", "channels")
        stored = {t: journal.backend.read(f"SELECT * FROM {t}") for t in tables}
        journal.close()
        assert stored["jobs"] and stored["items"]
        assert secret not in repr(stored)


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own, with ``env`` added."""
    import os

    return processes.run(*argv, env={**os.environ, **env}, timeout=DEADLINE)


def test_config_accepts_the_journal_url_key(journal_url: str) -> None:
    result = invoke(["-c", f"journal.url={journal_url}", "journal", "status", "--json"])
    assert result.exit_code == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["backend"] == journal_url.split(":", maxsplit=1)[0]
    assert status["schema_version"] == SCHEMA_VERSION


def test_sandbox_mode_never_uses_the_shared_journal(tmp_path: Path) -> None:
    # A team's journal named by journal.url (here one that cannot even be reached) is
    # left alone in sandbox mode: the sandbox's local journal takes the jobs.
    env = {
        **os.environ,
        "TRANSHUB_HOME": str(tmp_path / "home"),
        "TRANSHUB_JOURNAL_URL": "postgresql://team:s3cret@127.0.0.1:9/journal",
    }
    shown = processes.run("--sandbox", "journal", "status", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    status = json.loads(shown.stdout)
    assert status["backend"] == "sqlite"
    assert "sandbox" in status["url"] and "s3cret" not in shown.stdout + shown.stderr
    plain = processes.run("journal", "status", "--json", env=env)
    assert plain.returncode != 0 and "s3cret" not in plain.stdout + plain.stderr


def test_own_outputs_finds_unchanged_results_in_one_lookup(
    journal_url: str, tmp_path: Path
) -> None:
    import hashlib

    journal = Journal(journal_url)
    paths = [tmp_path / name for name in ("a.zh.txt", "caf\udce9.zh.txt", "changed.zh.txt")]
    saved = {}
    for n, path in enumerate(paths):
        path.write_bytes(f"result {n}".encode())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        saved[f"r{n}"] = {"path": str(path), "sha256": digest, "size": path.stat().st_size}
    job = journal.create(provider="echo", capability="document", request=REQUEST, items=[item("a")])
    journal.update_item(job.id, 0, state="completed", outputs=saved)
    paths[2].write_bytes(b"edited by someone")  # no longer transhub's result
    stranger = tmp_path / "mine.txt"
    stranger.write_text("not a result")
    found = journal.own_outputs([*paths, stranger])
    assert found == {paths[0], paths[1]}
    assert all(journal.is_own_output(p) == (p in found) for p in [*paths, stranger])
    journal.close()
