"""The heartbeat that renews this process's leases: it renews while a live job is
owned, stops when none is left, and never stops under a job claimed meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from transhub.jobs.owners import Heartbeat, this_process
from transhub.jobs.requests import DocumentJobRequest
from transhub.journal import Item, JobState, Journal
from transhub.testing.processes import eventually

WAIT = 10.0  # bound on every wait below; the beats come every lease / 3


def claim_one(journal: Journal, name: str) -> str:
    item = Item(0, f"/in/{name}.txt", f"print-{name}", {"document": f"/out/{name}"})
    (slot,) = journal.claim(
        provider="echo",
        capability="document",
        request=lambda items: DocumentJobRequest(path=Path(f"/in/{name}.txt"), target="zh"),
        items=[item],
        owner=str(this_process()),
    )
    return slot.job_id


def test_leases_are_renewed_while_owned_and_the_thread_stops_when_none_is_left(
    journal_url: str,
) -> None:
    journal = Journal(journal_url)
    beat = Heartbeat(journal, lease=0.3)
    job_id = claim_one(journal, "a")
    beat.start()
    _state, owner, first = journal.state_of(job_id)
    assert owner == str(this_process()) and first is not None
    # Renewed: the claim's lease (a full LEASE_SECONDS) replaced by this beat's short one.
    assert eventually(lambda: journal.state_of(job_id)[2] != first, WAIT)
    assert beat.running

    journal.update(job_id, state=JobState.COMPLETED)
    assert eventually(lambda: not beat.running, WAIT)  # nothing left to renew: no idle thread

    # A later claim starts it again, and its lease is renewed.
    second = claim_one(journal, "b")
    beat.start()
    leased = journal.state_of(second)[2]
    assert beat.running
    assert eventually(lambda: journal.state_of(second)[2] != leased, WAIT)


class RacingJournal:
    """A journal whose renewals find no job, and whose first renewal is overtaken by
    a claim (the claim commits after the renewal read, and calls ``start``)."""

    closed = False

    def __init__(self) -> None:
        self.beat: Heartbeat | None = None
        self.renewals = 0
        self.done = threading.Event()

    def renew(self, owner: str, until: float) -> int:
        self.renewals += 1
        if self.renewals == 1:
            assert self.beat is not None
            self.beat.start()  # the claim's start(), between renewal and decision
            return 0
        if self.renewals == 2:
            return 1  # that claim's job, seen by the next renewal
        self.done.set()
        return 0


def test_a_claim_during_a_renewal_that_found_nothing_keeps_the_thread(tmp_path: Path) -> None:
    journal = RacingJournal()
    beat = Heartbeat(journal, lease=0.03)  # type: ignore[arg-type]
    journal.beat = beat
    beat.start()
    assert journal.done.wait(WAIT)
    # It went on after the raced renewal (2nd and 3rd renewals happened), and stopped
    # only when a renewal found nothing with no claim in between.
    assert journal.renewals >= 3
    assert eventually(lambda: not beat.running, WAIT)


def test_the_thread_stops_when_its_journal_is_closed(journal_url: str) -> None:
    journal = Journal(journal_url)
    beat = Heartbeat(journal, lease=0.3)
    claim_one(journal, "a")  # a live job: renewals would go on for ever
    beat.start()
    assert beat.running
    journal.close()
    assert eventually(lambda: not beat.running, WAIT)
