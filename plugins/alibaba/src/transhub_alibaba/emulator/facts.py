"""What Alibaba publishes about the image batch API, copied here for the emulator from
``provider-docs/alibaba-image-batch.md`` and the Chinese reference of
GetTranslateImageBatchResult — never imported from the client.

The emulator is a witness: if the client's tables were wrong and the emulator read
them, both would agree and every test would pass.  ``tests/test_emulator_tables.py``
compares these rows with the client's and names any row where they differ.
"""

from __future__ import annotations

#: "product / API version": ``alimt``, ``2018-10-12``.
API_VERSION = "2018-10-12"
#: The two actions.
SUBMIT = "TranslateImageBatch"
POLL = "GetTranslateImageBatchResult"

#: ``ImageUrls``: "at most 20 per request".
MAX_URLS = 20
#: ``CustomTaskId``: "within 3 minutes, requests with the same value are processed once".
DEDUPE_SECONDS = 180.0
#: "results are kept 1 hour after the task finishes, then cleaned up (status invalid)".
RESULT_TTL = 3600.0
#: ``Field``: "general (default; unknown values count as general) or e-commerce".
FIELDS = frozenset({"general", "e-commerce"})
#: ``Data.Status`` of a poll.
STATUSES = ("created", "running", "finished", "invalid")

#: Business errors: the body's numeric ``Code`` → (name, English message), as the
#: reference's error table gives them ("HttpCode", 错误码, 错误信息).
BUSINESS_ERRORS: dict[int, tuple[str, str]] = {
    101: ("System.RequestTimeOut", "The request has timed out."),
    102: ("System.Error", "A system error occurred."),
    103: (
        "System.UrlDecodingError",
        "An error occurred while decoding the URL. Verify that the specified URL is encoded.",
    ),
    104: ("System.ParameterError", "Some required parameters are missing."),
    105: ("System.LanguageNotSupported", "The specified language pair is not supported."),
    106: ("System.LanguageDetectError", "An error occurred while detecting the language."),
    107: ("System.TranslateError", "An error occurred while translating."),
    108: ("System.StringTooLong", "The maximum length of the specified string is exceeded."),
    110: ("System.AccountNotActivated", "The account has not activated the service."),
    111: ("System.SubServiceFailed", "Sub-account service failed."),
    112: ("System.TranslateServiceCallFailed", "Failed to call the translation service."),
    113: (
        "System.AccountNotActivatedOrInArrears",
        "The service is not activated or the account has an outstanding balance.",
    ),
}

#: Gateway errors the digest names (HTTP 4xx/5xx with a string ``Code``).
GATEWAY_ERRORS = ("SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound", "Throttling.User")
#: The header the gateway names its delay in on throttling, in milliseconds.
RETRY_AFTER_HEADER = "x-acs-retry-after"

#: Image translation languages, in Alibaba's own codes ("Languages (image translation)").
CHINESE = ("zh", "zh-tw")
#: "zh and zh-tw ↔ en, ja, ko, ru, fr, de, it, es, pt, ms, th, vi".
LISTED = ("en", "ja", "ko", "ru", "fr", "de", "it", "es", "pt", "ms", "th", "vi")


def _pairs() -> frozenset[tuple[str, str]]:
    """The directions as the digest states them, one sentence per block."""
    pairs: set[tuple[str, str]] = set()
    # "zh and zh-tw ↔ en, ja, ko, ru, fr, de, it, es, pt, ms, th, vi"
    for chinese in CHINESE:
        for other in LISTED:
            pairs |= {(chinese, other), (other, chinese)}
    # "en → the same list"
    pairs |= {("en", other) for other in LISTED if other != "en"}
    # "ja ↔ ko"
    pairs |= {("ja", "ko"), ("ko", "ja")}
    # "every other listed language ↔ zh / en only"
    pairs |= {(other, "en") for other in LISTED if other != "en"}
    return frozenset(pairs)


#: Every (source, target) the service translates images in.
PAIRS = _pairs()
