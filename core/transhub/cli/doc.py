"""``transhub doc``: translate documents, count their pages, convert them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    batch_options,
    fallback_option,
    formality_option,
    formality_value,
    from_option,
    glossary_option,
    json_option,
    note,
    on_stderr,
    output_dir_option,
    overwrite_option,
    provider_option,
    queue_option,
    result_folder,
    single_result_only,
    table,
    to_option,
    to_stdout,
)
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime
from transhub.counts import counted


@click.group(cls=WholeSummaries)
def doc() -> None:
    """Translate, count and convert documents."""


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
@formality_option
@click.option(
    "--output-format",
    metavar="EXT",
    help="Deliver the translation as EXT where the provider converts (DeepL: a PDF as docx).",
)
@glossary_option
@fallback_option
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
@batch_options("Documents at once (never more than the provider allows).")
@queue_option
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
    formality: str | None,
    output_format: str | None,
    glossary: Path | None,
    fallback: bool | None,
    max_pages: int | None,
    confirm: bool,
    overwrite: bool,
    recursive: bool,
    include: tuple[str, ...],
    jobs: int,
    force: bool,
    keep_going: bool,
    quiet: bool,
    queue: bool,
    mode: OutputMode,
) -> int:
    """Translate documents (files, or folders of files) into --to LANG.

    Each result is saved as <name>.<lang><ext> in the output folder. Every file is
    checked against the provider's limits before anything is uploaded, and every
    remote task is recorded in the job journal (`transhub jobs`). The same content
    translated the same way before is reused unless --force.
    """
    from transhub.jobs.specs import DocumentBatch

    real: dict[Path, Path] = {}
    files = own_inputs(runtime.hub, paths, recursive=recursive, include=include, real=real)
    stdout = to_stdout(output_dir)
    if stdout:  # refused before anything is sent, not after paying
        single_result_only(mode, len(files), "document", queue=queue)
    with result_folder(output_dir) as folder:
        spec = DocumentBatch(
            paths=[str(real[f]) for f in files],
            target=target,
            source=source,
            provider=provider,
            output_dir=str(folder.resolve()),
            options={
                "industry": industry,
                "bilingual": bilingual,
                "translate_images": translate_images,
                "all_sheets": all_sheets,
                "formality": formality_value(formality),
                "output_format": output_format.lower().lstrip(".") if output_format else None,
            },
            kind="pdf" if as_pdf else "same",
            glossary=str(glossary.resolve()) if glossary is not None else None,
            fallback=fallback,
            overwrite=overwrite,
            jobs=jobs,
            **runtime.recorded(),
        )
        return run_documents(
            runtime, spec, files=files, max_pages=max_pages, confirm=confirm, force=force,
            quiet=quiet, mode=mode, keep_going=keep_going, queue=queue, stdout=stdout,
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
    queue: bool = False,
    stdout: bool = False,
) -> int:
    """Run a document batch (a :class:`~transhub.jobs.specs.DocumentBatch`), recorded
    in the journal first so that ``jobs resume`` can run it again if it is stopped.
    Its records go to ``records`` when given (an open array), else printed as ``mode``
    says (``stdout``: ``-o -``, the summary on stderr; stdout is the result's)."""
    from transhub.batch import validate_every
    from transhub.capabilities.document import DocumentOptions, OutputKind
    from transhub.cli.batch import confirm_on_terminal, run_batch, skipped
    from transhub.errors import EXIT_CODES
    from transhub.files import check_output_folder
    from transhub.jobs.batch import Refused

    hub = runtime.hub
    files = files if files is not None else [Path(p) for p in spec.paths]
    options = DocumentOptions(**spec.options)
    kind = OutputKind(spec.kind)
    if not queue:  # the workers save a queued batch's results, not this process
        check_output_folder(Path(spec.output_dir))
    # Validate and route every file first: a batch with bad files pays for nothing
    # (unless --keep-going: the bad ones are named, and stand failed in the records).
    plans, refused = validate_every(
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
            fallback=spec.fallback,
        ),
        keep_going=keep_going,
    )
    skipped(refused)
    if queue:  # cluster mode: record, enqueue, return (docs/cluster.md)
        from transhub.cli.queued import submit, unbudgeted

        unbudgeted(max_pages=max_pages, confirm=confirm)
        chosen = [plans[f] for f in files if f in plans]
        return submit(runtime, lambda s: s.documents(chosen, force=force), mode=mode)
    code = run_batch(
        runtime,
        [plans[f] if f in plans else Refused(str(f), refused[f]) for f in files],
        mode=mode, quiet=quiet, record=document_record,
        summary=on_stderr(document_summary) if stdout else document_summary,
        records=records, jobs=spec.jobs, force=force, max_pages=max_pages,
        confirm=confirm_on_terminal if confirm else None, batch_id=batch_id,
        spec=None if batch_id else spec.model_dump(),
    )  # fmt: skip
    if refused:
        # Counted by the batch's summary ("2 of 4 inputs failed"): not said again.
        return code or EXIT_CODES["failure"]
    return code


def document_record(done: Any) -> dict[str, Any]:
    """One input's record, in the shared vocabulary (paths absolute)."""
    result, error = done.result, done.error
    return {
        "input": absolute(done.input),
        "output": str(real_output(result)) if result else None,
        "job_id": (result.job_id or None) if result else getattr(error, "job_id", None),
        "provider": done.provider,
        "status": done.status,
        "pages": result.pages if result else None,
        "billed_characters": result.billed_characters if result else None,
        "code": error_code(error),
        "error": str(error) if error else None,
    }


def real_output(result: Any) -> Path:
    """A result's output path, absolute: the runner's results are resolved already
    (their plan's destination), so only a relative one is resolved here."""
    output: Path = result.output
    return output if output.is_absolute() else output.resolve()


def error_code(error: Any) -> str | None:
    """A failure's code: the provider's, else the class of problem (``input``...)."""
    if error is None:
        return None
    return str(error.code) if getattr(error, "code", None) is not None else str(error.kind)


def absolute(given: str) -> str:
    """An input as JSON names it: a path made absolute, a URL as given."""
    return given if "://" in given else str(Path(given).absolute())


def document_summary(items: list[Any]) -> None:
    """The summary after a document batch: one input's output path, else a table."""
    if len(items) == 1 and items[0].error is None:
        click.echo(real_output(items[0].result))
        if items[0].status == "reused":
            note("reused the result of an identical earlier translation (--force translates anew)")
        return
    # A billed-characters column where a provider reported them (DeepL).
    billed = any(done.result and done.result.billed_characters is not None for done in items)
    table(
        [
            (
                done.input,
                done.provider,
                done.result.pages if done.result and done.result.pages is not None else "",
                *([(done.result and done.result.billed_characters) or ""] if billed else []),
                done.status,
                real_output(done.result) if done.result else done.error,
            )
            for done in items
        ],
        (
            "input",
            "provider",
            "pages",
            *(["billed_characters"] if billed else []),
            "status",
            "output or error",
        ),
    )


def own_inputs(
    hub: Any,
    paths: tuple[Path, ...],
    *,
    recursive: bool = False,
    include: tuple[str, ...] = (),
    real: dict[Path, Path] | None = None,
) -> list[Path]:
    """The files to translate: folders expanded without transhub's own earlier results
    (says how many it skipped); a result named explicitly is kept, with a warning.
    ``real`` is filled with each file's resolved path (resolved once: the batch's
    spec records them too)."""
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
            f"skipped {counted(len(skipped), 'file')} transhub wrote "
            "(earlier results); name one to translate it anyway"
        )
    real = {} if real is None else real
    real.update((path, path.resolve()) for path in files)
    named = {Path(p) for p in paths}  # a folder is never among ``files``: no is_dir() each
    given = [path for path in files if path in named]
    recognised = journal.own_outputs([real[path] for path in given], resolved=True)  # one query
    ours = {path for path in given if real[path] in recognised}
    for path in files:
        if path in ours:
            note(f"warning: {path} is a result transhub wrote; translating it anyway")
    if not files:
        raise InputError("nothing to translate: every file given is an earlier transhub result")
    return files


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
            click.echo(f"total: {counted(total, 'page')}")


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
@click.option(
    "--keep-going",
    is_flag=True,
    help="Convert the valid inputs and report the others (default: refuse the batch).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@queue_option
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
    keep_going: bool,
    quiet: bool,
    queue: bool,
    mode: OutputMode,
) -> int:
    """Convert documents to another format (e.g. PDF to Word, Word to PDF).

    Every file is checked before anything is uploaded: bad files refuse the batch,
    every one named, unless --keep-going converts the others."""
    from transhub.batch import expand_paths
    from transhub.jobs.specs import ConvertBatch

    files = expand_paths(paths)
    stdout = to_stdout(output_dir)
    if stdout:  # refused before anything is sent, not after paying
        single_result_only(mode, len(files), "document", queue=queue)
    with result_folder(output_dir) as folder:
        spec = ConvertBatch(
            paths=[str(f.resolve()) for f in files],
            target_format=target_format,
            source=source,
            provider=provider,
            output_dir=str(folder.resolve()),
            overwrite=overwrite,
            jobs=1,
            **runtime.recorded(),
        )
        return run_conversions(
            runtime, spec, files=files, force=force, keep_going=keep_going, quiet=quiet,
            queue=queue, mode=mode, stdout=stdout,
        )  # fmt: skip


def run_conversions(
    runtime: Runtime,
    spec: Any,
    *,
    files: list[Path] | None = None,
    force: bool = False,
    keep_going: bool = False,
    quiet: bool = False,
    queue: bool = False,
    mode: OutputMode = OutputMode.TEXT,
    records: Records | None = None,
    batch_id: str | None = None,
    stdout: bool = False,
) -> int:
    """Run a conversion batch (a :class:`~transhub.jobs.specs.ConvertBatch`), recorded
    in the journal first so that ``jobs resume`` can run it again if it is stopped
    (``stdout``: ``-o -``, the summary on stderr)."""
    from transhub.batch import validate_every
    from transhub.cli.batch import run_batch, skipped
    from transhub.errors import EXIT_CODES
    from transhub.files import check_output_folder
    from transhub.jobs.batch import Refused

    hub = runtime.hub
    files = files if files is not None else [Path(p) for p in spec.paths]
    if not queue:  # the workers save a queued batch's results, not this process
        check_output_folder(Path(spec.output_dir))
    plans, refused = validate_every(
        files,
        lambda f: hub.prepare_convert(
            f, spec.target_format, source=spec.source, provider=spec.provider,
            output_dir=spec.output_dir, overwrite=spec.overwrite,
        ),
        keep_going=keep_going, done="converted",
    )  # fmt: skip
    skipped(refused)
    if queue:  # cluster mode: record, enqueue, return (docs/cluster.md)
        from transhub.cli.queued import submit

        chosen = [plans[f] for f in files if f in plans]
        return submit(runtime, lambda s: s.conversions(chosen, force=force), mode=mode)
    code = run_batch(
        runtime, [plans[f] if f in plans else Refused(str(f), refused[f]) for f in files],
        mode=mode, quiet=quiet, record=document_record, jobs=1,
        summary=on_stderr(document_summary) if stdout else document_summary,
        force=force, records=records, batch_id=batch_id,
        spec=None if batch_id else spec.model_dump(),
    )  # fmt: skip
    if refused:
        # Counted by the batch's summary ("2 of 4 inputs failed"): not said again.
        return code or EXIT_CODES["failure"]
    return code
