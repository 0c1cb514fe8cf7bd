"""Waiting for a provider channel: a release wakes a waiter — in another process
through PostgreSQL's NOTIFY — without the waiter looking again on a timer, and a
worker's slot waits on while no other queued work needs it."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest
from transhub.errors import TransientError
from transhub.jobs import channels as channel_module
from transhub.jobs.channels import ChannelLeases, Channels
from transhub.journal import Journal

DEADLINE = 60.0
#: Looks on a timer so rare that a waiter which gets its channel within the test's
#: bounded wait was woken by the release.
NEVER = 3600.0
GIVE_BACK = """
import sys
from transhub.jobs.channels import Channels
from transhub.journal import Journal
journal = Journal(sys.argv[1], migrate=False)
journal.give_channel(Channels("fanyigou", "acct", 1), 0, "1@elsewhere#1")
journal.close()
"""


class CountingJournal:
    """A journal whose channel takes are counted (and, first, announced)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.backend = journal.backend
        self.takes: list[int | None] = []

    def take_channel(self, *args: Any, **kwargs: Any) -> int | None:
        slot = self.journal.take_channel(*args, **kwargs)
        self.takes.append(slot)
        return slot

    def give_channel(self, *args: Any, **kwargs: Any) -> None:
        self.journal.give_channel(*args, **kwargs)


def leases_of(journal: Any, *, timeout: float) -> ChannelLeases:
    return ChannelLeases(
        journal, "2@here#1", stop=threading.Event(), interval=NEVER, timeout=timeout,
        started=lambda: None,
    )  # fmt: skip


def test_a_release_in_another_process_wakes_the_waiter_without_a_look(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transhub.testing.postgres import fresh_database

    monkeypatch.setattr(channel_module, "_MAX_LOOK_ANNOUNCED", NEVER)
    with fresh_database(postgres_url) as url:
        journal = Journal(url, migrate=False)
        journal.backend.migrate()
        channels = Channels("fanyigou", "acct", 1)
        assert journal.take_channel(channels, "1@elsewhere#1", "first") == 0
        counted = CountingJournal(journal)
        leases = leases_of(counted, timeout=DEADLINE)
        waiting = threading.Event()
        failed: list[BaseException] = []

        def wait() -> None:
            try:
                leases.hold("second", channels, lambda _said: waiting.set())
            except BaseException as exc:
                failed.append(exc)

        waiter = threading.Thread(target=wait)
        waiter.start()
        assert waiting.wait(DEADLINE)  # it looked once, found none free, and waits
        subprocess.run(
            [sys.executable, "-c", GIVE_BACK, url], check=True, timeout=DEADLINE
        )  # another process gives the channel back
        waiter.join(DEADLINE)
        assert not waiter.is_alive() and not failed
        # Exactly two looks: the one that found every channel busy, and the one the
        # release woke (the next look on the timer was an hour away).
        assert counted.takes == [None, 0]
        (held,) = journal.channels_in_use()
        assert (held["owner"], held["job_id"]) == ("2@here#1", "second")
        journal.close()


def busy_slot(journal_url: str) -> tuple[Journal, Channels, ChannelLeases]:
    """A journal whose one channel another machine holds, and a worker slot's leases
    that wait 0.01 s before asking whether to give way (for at most DEADLINE)."""
    journal = Journal(journal_url)
    channels = Channels("fanyigou", "acct", 1)
    assert journal.take_channel(channels, "1@elsewhere#1", "first") == 0
    leases = leases_of(journal, timeout=0.01)
    leases.limit = DEADLINE  # the whole wait's bound (a worker's: task_timeout)
    return journal, channels, leases


def test_a_slot_waits_on_while_nothing_else_needs_it(journal_url: str) -> None:
    journal, channels, leases = busy_slot(journal_url)
    asked = threading.Event()
    answers: list[bool] = []

    def give_way() -> bool:
        answers.append(False)
        if len(answers) == 3:
            asked.set()
        return False  # no queued job needs this slot: wait on

    leases.give_way = give_way
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (leases.hold("second", channels, None), done.set()))
    waiter.start()
    assert asked.wait(DEADLINE)  # its wait lapsed three times, and went on each time
    journal.give_channel(channels, 0, "1@elsewhere#1")
    waiter.join(DEADLINE)
    assert done.is_set()
    assert [r["job_id"] for r in journal.channels_in_use()] == ["second"]
    journal.close()


def test_a_slot_gives_way_when_queued_work_needs_it(journal_url: str) -> None:
    journal, channels, leases = busy_slot(journal_url)
    asked: list[int] = []
    leases.give_way = lambda: asked.append(1) is None  # a running job waits for a slot
    with pytest.raises(TransientError, match="channel stayed in use"):
        leases.hold("second", channels, None)
    assert asked == [1]
    journal.close()
