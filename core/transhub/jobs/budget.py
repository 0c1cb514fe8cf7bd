"""The budget guard: a batch quoted before it pays — refused over ``max_pages`` /
``max_images`` or over the provider's balance, and, with ``confirm``, asked.

A provider's own page count keeps its upload (``prepared_task_id``), so the
translation that follows does not send the file again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from transhub.capabilities.kinds import Capability
from transhub.counts import counted
from transhub.errors import Declined, InputError, QuotaError
from transhub.jobs.events import BatchEvent, Estimated
from transhub.jobs.plans import DocumentPlan, ImagePlan
from transhub.results import Quote

if TYPE_CHECKING:
    from transhub.capabilities.account import Balance
    from transhub.hub import Hub

#: Asked before paying, with the question; ``False`` declines (nothing is sent).
Confirm = Callable[[str], bool]


def quote_documents(hub: Hub, plans: Sequence[DocumentPlan]) -> list[Quote]:
    """Page estimates for document plans: the provider's count where it counts pages
    itself (the upload it keeps is attached to the plan, so translating afterwards
    sends nothing twice), else a local count."""
    from transhub.pages import count_locally

    quotes = []
    for plan in plans:
        kept = plan
        if plan.implementation.counts_pages:
            count = hub.instance(plan.implementation).count_pages(plan.request.path)
            if count.task_id is not None:
                kept = plan.with_prepared_task(count.task_id)
        else:
            count = count_locally(plan.request.path)
        quotes.append(
            Quote(
                provider=plan.provider,
                pages=count.pages,
                exact=count.exact,
                prepared=kept,
                characters=count.characters,
            )
        )
    return quotes


def balance_of(hub: Hub, provider: str, kind: str) -> Balance | None:
    """The provider's balance of one resource (``None`` where it reports none)."""
    offers = any(
        c.provider.name == provider and kind in getattr(c, "kinds", ())
        for c in hub.registry.implementations(Capability.ACCOUNT)
    )
    return hub.account_balance(kind, provider=provider)[0] if offers else None


def _check(provider: str, wanted: int | None, balance: Balance | None, unit: str) -> None:
    if balance is not None and wanted is not None and balance.unit == unit:  # noqa: SIM102
        if wanted > balance.balance:
            raise QuotaError(
                f"{provider}: the batch needs about {wanted} {unit} but the balance is "
                f"{balance.balance} {unit}; nothing was submitted",
                provider=provider,
            )


def guard(
    hub: Hub,
    entries: Sequence[Any],
    *,
    max_pages: int | None,
    max_images: int | None,
    confirm: Confirm | None,
    emit: Callable[[BatchEvent], None],
) -> list[Any]:
    """The batch's entries after its quote (document plans with their kept uploads):
    raises when over a limit or a balance, or when ``confirm`` says no.  Without a
    limit or ``confirm`` nothing is quoted (a provider's count is an upload)."""
    documents = [e for e in entries if isinstance(e, DocumentPlan)]
    images = [e for e in entries if isinstance(e, ImagePlan)]
    distinct = sum(len(plan.images) for plan in images)
    if max_images is not None and distinct > max_images:
        raise InputError(
            f"the batch has {counted(distinct, 'distinct image')}, over --max-images {max_images}"
        )
    if max_pages is None and confirm is None:
        return list(entries)
    quotes = quote_documents(hub, documents)
    total = sum(q.pages for q in quotes)
    if max_pages is not None and total > max_pages:
        raise InputError(
            f"the batch is estimated at {counted(total, 'page')}, over --max-pages {max_pages}"
        )
    kept = {id(plan): q.prepared for plan, q in zip(documents, quotes, strict=True)}
    for provider in dict.fromkeys(q.provider for q in quotes):
        mine = [q for q in quotes if q.provider == provider]
        pages = sum(q.pages for q in mine)
        # Providers that bill characters (DeepL) quote them too.
        billed = [q.characters for q in mine if q.characters is not None]
        characters = sum(billed) if billed else None
        balance = balance_of(hub, provider, "document")
        _check(provider, pages, balance, "pages")
        _check(provider, characters, balance, "characters")
        emit(Estimated(provider, pages, balance, characters=characters))
    for plan in images:
        balance = balance_of(hub, plan.provider, "image")
        _check(plan.provider, len(plan.images), balance, "images")
        emit(Estimated(plan.provider, 0, balance, images=len(plan.images)))
    if confirm is not None:
        what = []
        if documents:
            what.append(f"{counted(len(documents), 'document')} (about {counted(total, 'page')})")
        if images:
            what.append(counted(distinct, "image"))
        if not confirm(f"Translate {' and '.join(what) or 'nothing'}?"):
            raise Declined("you answered no: nothing was sent")
    return [kept.get(id(e), e) for e in entries]
