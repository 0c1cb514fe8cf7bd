"""``transhub doc``: translate documents, count their pages, convert them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    from_option,
    glossary_option,
    json_option,
    note,
    output_dir_option,
    overwrite_option,
    provider_option,
    table,
    to_option,
)
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime


@click.group(cls=WholeSummaries)
def doc() -> None:
    """Translate, count and convert documents."""


def _batch_options(func: Any) -> Any:
    func = click.option(
        "-r", "--recursive", is_flag=True, help="Include files in subfolders of folders given."
    )(func)
    func = click.option(
        "--include", multiple=True, metavar="GLOB", help="Only files matching GLOB (repeatable)."
    )(func)
    func = click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        default=4,
        show_default=True,
        help="Documents at once (never more than the provider allows).",
    )(func)
    func = click.option(
        "--force", is_flag=True, help="Translate again even if an identical earlier result exists."
    )(func)
    func = click.option(
        "--keep-going",
        is_flag=True,
        help="Translate the valid inputs and report the others (default: refuse the batch).",
    )(func)
    return click.option("-q", "--quiet", is_flag=True, help="No progress display.")(func)


@doc.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@to_option
@from_option
@provider_option
@output_dir_option
@click.option(
    "--industry", metavar="NAME|NUMBER", help="Subject area, by name or the provider's number."
)
@click.option("--bilingual", is_flag=True, help="Original and translation side by side.")
@click.option("--translate-images", is_flag=True, help="Also translate text inside images.")
@click.option("--all-sheets", is_flag=True, help="Spreadsheets: translate every sheet.")
@click.option("--pdf", "as_pdf", is_flag=True, help="Download the result as PDF.")
@glossary_option
@click.option(
    "--max-pages",
    type=click.IntRange(1),
    metavar="N",
    help="Refuse to start when the page estimate of the batch exceeds N.",
)
@click.option(
    "--confirm", is_flag=True, help="Show the estimate and the balance, and ask before paying."
)
@overwrite_option
@_batch_options
@json_option
@click.pass_obj
def translate(
    runtime: Runtime,
    paths: tuple[Path, ...],
    target: str,
    source: str | None,
    provider: str | None,
    output_dir: Path,
    industry: str | None,
    bilingual: bool,
    translate_images: bool,
    all_sheets: bool,
    as_pdf: bool,
    glossary: Path | None,
    max_pages: int | None,
    confirm: bool,
    overwrite: bool,
    recursive: bool,
    include: tuple[str, ...],
    jobs: int,
    force: bool,
    keep_going: bool,
    quiet: bool,
    mode: OutputMode,
) -> int:
    """Translate documents (files, or folders of files) into --to LANG.

    Each result is saved as <name>.<lang><ext> in the output folder. Every file is
    checked against the provider's limits before anything is uploaded, and every
    remote task is recorded in the job journal (`transhub jobs`). The same content
    translated the same way before is reused unless --force.
    """
    from transhub.jobs.specs import DocumentBatch

    files = own_inputs(runtime.hub, paths, recursive=recursive, include=include)
    spec = DocumentBatch(
        paths=[str(f.resolve()) for f in files],
        target=target,
        source=source,
        provider=provider,
        output_dir=str(output_dir.resolve()),
        options={
            "industry": industry,
            "bilingual": bilingual,
            "translate_images": translate_images,
            "all_sheets": all_sheets,
        },
        kind="pdf" if as_pdf else "same",
        glossary=str(glossary.resolve()) if glossary is not None else None,
        overwrite=overwrite,
        jobs=jobs,
    )
    return run_documents(
        runtime, spec, files=files, max_pages=max_pages, confirm=confirm, force=force,
        quiet=quiet, mode=mode, keep_going=keep_going,
    )  # fmt: skip


def run_documents(
    runtime: Runtime,
    spec: Any,
    *,
    files: list[Path] | None = None,
    max_pages: int | None = None,
    confirm: bool = False,
    force: bool = False,
    quiet: bool = False,
    mode: OutputMode = OutputMode.TEXT,
    records: Records | None = None,
    batch_id: str | None = None,
    keep_going: bool = False,
) -> int:
    """Run a document batch (a :class:`~transhub.jobs.specs.DocumentBatch`), recorded
    in the journal first so that ``jobs resume`` can run it again if it is stopped.
    Its records go to ``records`` when given (an open array), else printed as ``mode``
    says."""
    from transhub.batch import check_distinct_outputs
    from transhub.capabilities.document import DocumentOptions, OutputKind
    from transhub.cli.batch import run_recorded
    from transhub.errors import EXIT_CODES

    hub = runtime.hub
    files = files if files is not None else [Path(p) for p in spec.paths]
    options = DocumentOptions(**spec.options)
    kind = OutputKind(spec.kind)
    # Validate and route every file first: a batch with bad files pays for nothing
    # (unless --keep-going), and says every bad one at once.
    prepared = _validated(
        files,
        lambda f: hub.prepare_document(
            f,
            spec.target,
            source=spec.source,
            provider=spec.provider,
            output_dir=spec.output_dir,
            options=options,
            output=kind,
            overwrite=spec.overwrite,
            glossary=spec.glossary,
        ),
        keep_going=keep_going,
    )
    skipped = len(files) - len(prepared)
    files = list(prepared)
    check_distinct_outputs((f, plan.destination) for f, plan in prepared.items())
    if max_pages is not None or confirm:
        prepared = _budget(runtime, prepared, max_pages=max_pages, confirm=confirm)
    limit = _capped(hub, spec.jobs, [plan.implementation for plan in prepared.values()])
    batch_id = batch_id or hub.journal.open_batch(spec.model_dump())

    def work(path: Path, stop: threading.Event, on_status: Callable[[str, Any], None]) -> Any:
        runner = hub.runner(stop=stop, on_status=on_status, batch_id=batch_id)
        return runner.run(prepared[path], force=force)

    code = run_recorded(
        hub.journal, batch_id, files, work, jobs=limit, mode=mode, records=records, quiet=quiet
    )
    if skipped:
        note(f"{skipped} of {len(files) + skipped} inputs were not translated (see above)")
        return code or EXIT_CODES["failure"]
    return code


def _validated(
    files: list[Path], prepare: Callable[[Path], Any], *, keep_going: bool
) -> dict[Path, Any]:
    """Each file's plan, every file checked before anything is sent.  Bad files are
    reported all at once and refuse the batch — or, with ``keep_going``, are named and
    left out."""
    from transhub.errors import InputError, TranshubError

    plans: dict[Path, Any] = {}
    bad: list[tuple[Path, TranshubError]] = []
    for path in files:
        try:
            plans[path] = prepare(path)
        except TranshubError as exc:
            if exc.kind not in ("input", "routing"):
                raise  # not about this file (configuration, credentials…)
            bad.append((path, exc))
    if keep_going:
        for path, problem in bad:
            note(f"skipped {path}: {problem}")
        if not plans:
            raise bad[0][1]
        return plans
    if len(bad) == 1:
        raise bad[0][1]
    if bad:
        kinds = {type(exc) for _, exc in bad}
        cls = kinds.pop() if len(kinds) == 1 else InputError
        lines = "\n".join(
            f"  {exc}" if str(path) in str(exc) else f"  {path}: {exc}" for path, exc in bad
        )
        raise cls(
            f"{len(bad)} of {len(files)} inputs cannot be translated; nothing was sent "
            f"(--keep-going translates the others):\n{lines}"
        )
    return plans


def _capped(hub: Any, jobs: int, implementations: list[Any]) -> int:
    """``-j`` within what the providers allow, explained once when it is capped."""
    limits: dict[str, int] = {
        cls.provider.name: int(cls.provider.max_concurrent_tasks(hub.provider_settings(cls)))
        for cls in implementations
    }
    if not limits:
        return jobs
    provider, allowed = min(limits.items(), key=lambda pair: pair[1])
    if allowed < min(jobs, len(implementations)):
        channels = "channel" if allowed == 1 else "channels"
        note(f"-j {jobs} capped to {allowed}: {provider} allows {allowed} {channels}")
        return allowed
    return min(jobs, allowed)


def own_inputs(
    hub: Any, paths: tuple[Path, ...], *, recursive: bool = False, include: tuple[str, ...] = ()
) -> list[Path]:
    """The files to translate: folders expanded without transhub's own earlier results
    (says how many it skipped); a result named explicitly is kept, with a warning."""
    from transhub.batch import expand_paths
    from transhub.errors import InputError

    journal = hub.journal
    skipped: list[Path] = []
    files = expand_paths(
        paths, recursive=recursive, include=include, is_output=journal.is_own_output,
        skipped=skipped,
    )  # fmt: skip
    if skipped:
        note(
            f"skipped {len(skipped)} file{'s' if len(skipped) != 1 else ''} transhub wrote "
            "(earlier results); name one to translate it anyway"
        )
    named = {Path(p) for p in paths if not Path(p).is_dir()}
    for path in files:
        if path in named and journal.is_own_output(path):
            note(f"warning: {path} is a result transhub wrote; translating it anyway")
    if not files:
        raise InputError("nothing to translate: every file given is an earlier transhub result")
    return files


def _budget(
    runtime: Runtime, prepared: dict[Path, Any], *, max_pages: int | None, confirm: bool
) -> dict[Path, Any]:
    """Quote the batch before paying: refuse over --max-pages or over the balance,
    and ask with --confirm.  A provider's own count keeps its upload, so the
    translation that follows does not send the file again."""
    from transhub.errors import InputError, QuotaError

    quote = runtime.hub.quote_documents(list(prepared.values()))
    total = sum(q.pages for q in quote)
    updated = {path: q.prepared for path, q in zip(prepared, quote, strict=True)}
    if max_pages is not None and total > max_pages:
        raise InputError(f"the batch is estimated at {total} pages, over --max-pages {max_pages}")
    for provider, (pages, balance) in runtime.hub.balances_for(quote).items():
        # Providers that bill characters (DeepL) quote them too.
        billed = [q.characters for q in quote if q.provider == provider]
        characters = sum(c for c in billed if c is not None) if any(billed) else None
        needed = {"pages": pages, "characters": characters}
        unit = balance.unit if balance is not None else ""
        wanted = needed.get(unit)
        if balance is not None and wanted is not None and wanted > balance.balance:
            raise QuotaError(
                f"{provider}: the batch needs about {wanted} {unit} but the balance is "
                f"{balance.balance} {unit}; nothing was submitted",
                provider=provider,
            )
        shown = f"{balance.balance} {balance.unit}" if balance is not None else "unknown"
        estimate = f"{pages} pages" + (f", {characters} billed characters" if characters else "")
        note(f"{provider}: estimate {estimate}; balance {shown}")
    if confirm and not click.confirm(
        f"Translate {len(prepared)} documents (about {total} pages)?", err=True, default=False
    ):
        from transhub.errors import Declined

        raise Declined("you answered no: nothing was sent")
    return updated


@doc.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@provider_option
@json_option
@click.pass_obj
def pages(
    runtime: Runtime, paths: tuple[Path, ...], provider: str | None, mode: OutputMode
) -> None:
    """Estimate the pages each document would be charged for, before paying.

    Uses the provider's own count where it offers one, else a local count
    (exact for PDF, from the file's metadata for DOCX/PPTX/XLSX, by length for TXT).
    """
    from transhub.batch import expand_paths

    total = 0
    rows = []
    with Records(mode, many=True) as records:
        for path in expand_paths(paths):
            count = runtime.hub.count_pages(path, provider=provider)
            total += count.pages
            # billed_characters: for providers that bill characters (minimums included),
            # e.g. DeepL; null for the others.
            records.add(
                {
                    "input": path,
                    "pages": count.pages,
                    "exact": count.exact,
                    "billed_characters": count.characters,
                }
            )
            exact = "yes" if count.exact else "no (estimate)"
            rows.append((str(path), count.pages, count.characters, exact))
    if mode is OutputMode.TEXT:
        if all(row[2] is None for row in rows):
            table([(f, p, e) for f, p, _c, e in rows], ("input", "pages", "exact"))
        else:
            table(rows, ("input", "pages", "billed_characters", "exact"))
        if len(rows) > 1:
            click.echo(f"total: {total} pages")


@doc.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "target_format",
    required=True,
    type=click.Choice(["pdf", "word", "excel", "pptx", "ofd"]),
    help="The format to produce.",
)
@from_option
@provider_option
@output_dir_option
@overwrite_option
@click.option(
    "--force", is_flag=True, help="Convert again even if an identical earlier result exists."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@json_option
@click.pass_obj
def convert(
    runtime: Runtime,
    paths: tuple[Path, ...],
    target_format: str,
    source: str | None,
    provider: str | None,
    output_dir: Path,
    overwrite: bool,
    force: bool,
    quiet: bool,
    mode: OutputMode,
) -> int:
    """Convert documents to another format (e.g. PDF to Word, Word to PDF)."""
    from transhub.batch import check_distinct_outputs, expand_paths
    from transhub.cli.batch import run_batch

    hub = runtime.hub
    files = expand_paths(paths)
    prepared = {
        f: hub.prepare_convert(
            f,
            target_format,
            source=source,
            provider=provider,
            output_dir=output_dir,
            overwrite=overwrite,
        )
        for f in files
    }
    check_distinct_outputs((f, plan.destination) for f, plan in prepared.items())

    def work(path: Path, stop: threading.Event, on_status: Callable[[str, Any], None]) -> Any:
        return hub.runner(stop=stop, on_status=on_status).run(prepared[path], force=force)

    return run_batch(files, work, jobs=1, mode=mode, quiet=quiet)
