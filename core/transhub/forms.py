"""multipart/form-data bodies for uploads (:meth:`transhub.http.HttpClient.upload`).

A file is streamed from disk by ``requests-toolbelt``'s encoder, so memory stays flat
whatever its size.  A file of at most one chunk — what the stream holds at once
anyway — is encoded whole, in one step, by ``urllib3`` (the same parts and headers:
the toolbelt builds its parts with urllib3's ``RequestField``): a third of the
streaming encoder's CPU, which was a tenth of a small document's (issue 17).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

from transhub.files import CHUNK_SIZE


class EncodedForm(bytes):
    """A multipart/form-data body encoded whole (``content_type`` names its boundary)."""

    content_type: str


def form_body(
    fields: Mapping[str, str],
    file_field: str,
    handle: BinaryIO,
    filename: str,
    content_type: str,
    progress: Callable[[int, int | None], None] | None,
) -> Any:
    """The body of one attempt: ``fields`` and the file open at ``handle`` (sent as
    ``filename``), either encoded whole or as a stream reporting to ``progress``."""
    size = os.fstat(handle.fileno()).st_size
    if progress is None and size <= CHUNK_SIZE:
        # Read what the file holds (and one byte more, to notice that it grew): a
        # read of a whole chunk would allocate a megabyte for each small document.
        data = handle.read(size + 1)
        if len(data) <= size:  # else it grew since: streamed after all
            return _encoded(fields, file_field, (filename, data, content_type))
        handle.seek(0)
    # Imported only for a streamed body (14 ms of a run's start-up otherwise).
    from requests_toolbelt import MultipartEncoder, MultipartEncoderMonitor

    encoder = MultipartEncoder(
        fields=[*fields.items(), (file_field, (filename, handle, content_type))]
    )
    if progress is None:
        return encoder
    total = encoder.len
    return MultipartEncoderMonitor(encoder, lambda m: progress(m.bytes_read, total))


def _encoded(fields: Mapping[str, str], name: str, file: tuple[str, bytes, str]) -> EncodedForm:
    from urllib3.filepost import encode_multipart_formdata

    body, content_type = encode_multipart_formdata([*fields.items(), (name, file)])
    form = EncodedForm(body)
    form.content_type = content_type
    return form
