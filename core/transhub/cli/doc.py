"""``transhub doc``: translate documents, count their pages, convert them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    emit_json,
    from_option,
    json_option,
    note,
    output_dir_option,
    overwrite_option,
    provider_option,
    table,
    to_option,
)
from transhub.cli.runtime import Runtime


@click.group()
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
    return click.option("-q", "--quiet", is_flag=True, help="No progress messages.")(func)


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
    overwrite: bool,
    recursive: bool,
    include: tuple[str, ...],
    jobs: int,
    quiet: bool,
    as_json: bool,
) -> int:
    """Translate documents (files, or folders of files) into --to LANG.

    Each result is saved as <name>.<lang><ext> in the output folder. Every file is
    checked against the provider's limits before anything is uploaded.
    """
    from transhub.batch import expand_paths, run_concurrently
    from transhub.capabilities.document import DocumentOptions, OutputKind

    hub = runtime.hub
    files = expand_paths(paths, recursive=recursive, include=include)
    options = DocumentOptions(
        industry=industry,
        bilingual=bilingual,
        translate_images=translate_images,
        all_sheets=all_sheets,
    )
    kind = OutputKind.PDF if as_pdf else OutputKind.SAME
    # Validate and route every file first: a batch with one bad file pays for nothing.
    prepared = [
        hub.prepare_document(
            f,
            target,
            source=source,
            provider=provider,
            output_dir=output_dir,
            options=options,
            output=kind,
            overwrite=overwrite,
        )
        for f in files
    ]
    limit = min(
        jobs,
        *(cls.provider.max_concurrent_tasks(hub.provider_settings(cls)) for cls, _, _ in prepared),
    )

    def work(path: Path) -> Any:
        return hub.translate_document(
            path,
            target,
            source=source,
            provider=provider,
            output_dir=output_dir,
            options=options,
            output=kind,
            overwrite=overwrite,
            on_status=None if quiet or as_json else _progress(path),
        )

    return _report(run_concurrently(files, work, jobs=limit), as_json, single=len(files) == 1)


def _progress(path: Path) -> Any:
    def show(task_id: str, status: Any) -> None:
        percent = f" {status.percent:.0f}%" if status.percent is not None else ""
        note(f"{path.name}: {status.state.value}{percent}")

    return show


def _report(outcomes: Any, as_json: bool, *, single: bool) -> int:
    rows = []
    failed = 0
    for outcome in outcomes:
        result, error = outcome.result, outcome.error
        if single and error is not None:
            raise error
        if error is not None:
            failed += 1
        record = {
            "input": str(outcome.item),
            "output": str(result.output) if result else None,
            "job": result.task_id if result else None,
            "provider": result.provider if result else error.provider,
            "state": "done" if result else "failed",
            "pages": result.pages if result else None,
            "error": str(error) if error else None,
        }
        if as_json:
            emit_json(record)
        elif single:
            click.echo(record["output"])
        rows.append(record)
    if not as_json and not single:
        table(
            [
                (r["input"], r["provider"], r["pages"], r["state"], r["output"] or r["error"])
                for r in rows
            ],
            ("file", "provider", "pages", "state", "output or error"),
        )
    if failed:
        note(f"{failed} of {len(rows)} failed")
        return 1
    return 0


@doc.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@provider_option
@json_option
@click.pass_obj
def pages(runtime: Runtime, paths: tuple[Path, ...], provider: str | None, as_json: bool) -> None:
    """Estimate the pages each document would be charged for, before paying.

    Uses the provider's own count where it offers one, else a local count
    (exact for PDF, from the file's metadata for DOCX/PPTX/XLSX, by length for TXT).
    """
    from transhub.batch import expand_paths

    total = 0
    rows = []
    for path in expand_paths(paths):
        count = runtime.hub.count_pages(path, provider=provider)
        total += count.pages
        if as_json:
            emit_json({"input": str(path), "pages": count.pages, "exact": count.exact})
        rows.append((str(path), count.pages, "" if count.exact else "estimate"))
    if not as_json:
        table(rows, ("file", "pages", "note"))
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
    as_json: bool,
) -> int:
    """Convert documents to another format (e.g. PDF to Word, Word to PDF)."""
    from transhub.batch import expand_paths, run_concurrently

    files = expand_paths(paths)
    for path in files:  # check every file before converting any
        from transhub.validation import check_readable_file

        check_readable_file(path)

    def work(path: Path) -> Any:
        return runtime.hub.convert_document(
            path,
            target_format,
            source=source,
            provider=provider,
            output_dir=output_dir,
            overwrite=overwrite,
        )

    return _report(run_concurrently(files, work, jobs=1), as_json, single=len(files) == 1)
