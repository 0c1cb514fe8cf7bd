"""A local emulator of Alibaba's asynchronous image batch translation, for tests and
sandbox mode (needs the ``sandbox`` extra: werkzeug).

It serves ``POST /`` (and ``GET /`` for old query-string clients) for both actions,
as the real endpoint does:

* verifies signature V3 (``ACS3-HMAC-SHA256``, headers) and the older V2
  (``HMAC-SHA1``, parameters): an unknown key is HTTP 404
  ``InvalidAccessKeyId.NotFound``, a wrong signature HTTP 400 ``SignatureDoesNotMatch``,
  a stale date ``InvalidTimeStamp.Expired``, a reused nonce ``SignatureNonceUsed``;
* ``TranslateImageBatch`` checks the required parameters (business code 104), the
  20-URL limit (104), the URLs (103: not http(s), or not a valid RFC 3986 URI — raw
  Chinese, spaces, a lone ``%`` — as the service cannot decode those) and the
  language pair (105), and processes a
  repeated ``CustomTaskId`` once for three minutes (the same ``TaskId`` is answered);
* a task is ``created``, then ``running``, then ``finished`` over
  :attr:`EmulatorOptions.task_seconds`, and ``invalid`` once its results are older than
  :attr:`EmulatorOptions.result_ttl` (one hour by default);
* each result file is served by the emulator itself under ``/results/…``: the
  translated image, and with ``needEditorData`` the in-painting background and the
  editor template (inline JSON in ``TemplateJson`` by default, as the reference
  shows, or a URL with ``template_inline=False``);
* URLs in :attr:`EmulatorOptions.failing_urls`, or containing ``emulator-fail``, fail
  (``Success: false``, code 107) while the others succeed.

The emulator fetches nothing: a source URL is an opaque string.  Each result is a
small PNG, synthesized from the URL, that says in its pixels and in its PNG text
chunks that it is emulator output and not a translation; it is the same bytes every
time for the same URL, language and kind, so tests can compare SHA-256.

The published facts it checks against (limits, codes, languages) are its own copy,
in :mod:`transhub_alibaba.emulator.facts`, never the client's tables.  A throttling
answer names its delay in ``x-acs-retry-after`` (milliseconds), as the gateway does.

Requests answered by the fault injector (throttled, proxy errors) never reach the
emulated service and are not in :attr:`AlibabaEmulator.log`; a request dropped
*after* processing (``Fault.DROP_AFTER``) is.
"""

from transhub_alibaba.emulator.app import EmulatorApp, create_emulator
from transhub_alibaba.emulator.service import FAIL_MARKER, AlibabaEmulator, EmulatorOptions
from transhub_alibaba.emulator.wire import DOWNLOAD, action_of, buffer_body, render_png

__all__ = [
    "DOWNLOAD",
    "FAIL_MARKER",
    "AlibabaEmulator",
    "EmulatorApp",
    "EmulatorOptions",
    "action_of",
    "buffer_body",
    "create_emulator",
    "render_png",
]
