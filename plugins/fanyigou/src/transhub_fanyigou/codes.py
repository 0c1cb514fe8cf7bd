"""Every status code of the reference, its meaning in English, and what transhub does
with it.

Fanyigou uses one number space for two things: the ``code`` of an answer (did the call
succeed?) and the ``status`` of a task (where does it stand?).  :func:`outcome` is the
one place that turns either into a :class:`~transhub.capabilities.base.TaskState` or a
typed core error, keeping the provider's code and message.
"""

from __future__ import annotations

from dataclasses import dataclass

from transhub.capabilities.base import TaskState
from transhub.errors import (
    AuthenticationError,
    InputError,
    JobFailedError,
    LimitExceededError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ResultExpiredError,
    TranshubError,
    TransientError,
)

PROVIDER = "fanyigou"

OK = 100
RATE_LIMITED = 108
NOT_FOUND = 312
RUNNING = 313
DONE = 314
CHANNEL_OCCUPIED = 320
DUPLICATE = 326
PAGES_COUNTED = 330
#: The ``trans`` example answers ``code: 0`` and the image progress example
#: ``status: 0`` where every other answer uses 100 and 314.
ZERO = 0
#: Statuses that are not failures but mean more waiting than usual; their meaning is
#: shown beside the service's own (Chinese) message.
NOTABLE_WAITS = frozenset({310, 315, 325})


class ChannelOccupiedError(RateLimitError):
    """320: the account's translation channels are all busy.  Nothing was started;
    the submission waits for a free channel and is sent again — or, when it waits no
    longer, another provider may take it (``refused``)."""

    refused = True


@dataclass(frozen=True)
class Status:
    """One code of the reference.

    ``state`` is what the code means as a task's ``status`` (``None``: it is not a
    task state).  ``error`` is raised when the code answers a call; ``retryable``
    says whether that call was refused before anything was processed.
    ``refused``: the service turned the call away before any payment for a reason of
    the account or its capacity (balance, rate, busy channels), so another provider
    may take the work (see :mod:`transhub.jobs.fallback`).
    """

    code: int
    chinese: str
    meaning: str
    state: TaskState | None
    error: type[TranshubError] | None
    retryable: bool = False
    hint: str = ""
    refused: bool = False


_CONTACT = "ask Fanyigou support (4001-868-556) or check the console"

#: The reference's system codes (100–111) and document codes (300–330).
STATUSES: dict[int, Status] = {
    s.code: s
    for s in (
        Status(100, "请求成功", "request succeeded", TaskState.DONE, None),
        Status(101, "没有访问权限", "no access permission (wrong token: check the private key)",
               None, AuthenticationError, hint="check TRANSHUB_FANYIGOU_PRIVATE_KEY"),
        Status(102, "业务停机", "service suspended", None, ProviderError, hint=_CONTACT),
        Status(103, "账户不存在", "account does not exist", None, AuthenticationError,
               hint="check TRANSHUB_FANYIGOU_APPID"),
        Status(104, "账户异常", "account abnormal", None, AuthenticationError, hint=_CONTACT),
        Status(105, "系统错误", "system error", None, TransientError),
        Status(106, "参数异常", "parameter error", None, ProviderError, retryable=True),
        Status(107, "黑名单管控", "blacklisted", None, AuthenticationError, hint=_CONTACT),
        Status(108, "访问地址频率过高", "request rate too high", None, RateLimitError,
               retryable=True, refused=True),
        Status(109, "该应用不存在", "application does not exist", None, AuthenticationError,
               hint="check TRANSHUB_FANYIGOU_APPID"),
        Status(110, "该应用尚未启用", "application not enabled yet", None, AuthenticationError,
               hint=_CONTACT),
        Status(111, "无该功能权限", "no permission for this function", None,
               AuthenticationError, hint="the function must be enabled: " + _CONTACT),
        Status(300, "参数为空", "a required parameter is empty", None, ProviderError,
               retryable=True),
        Status(301, "文件为空", "the file is empty", TaskState.FAILED, InputError, retryable=True),
        Status(302, "文件类型不支持", "file type not supported", TaskState.FAILED, InputError,
               retryable=True),
        Status(303, "文件MD5不匹配", "MD5 does not match the file (changed or damaged in transit)",
               None, TransientError, retryable=True),
        Status(304, "可用积分不足", "insufficient balance", None, QuotaError,
               hint="top up the account, or see `transhub account --provider fanyigou`",
               refused=True),
        Status(305, "文档已加密或被保护", "the document is encrypted or protected",
               TaskState.FAILED, InputError, retryable=True, hint="remove the password first"),
        Status(306, "文档不能识别", "the document cannot be recognised", TaskState.FAILED,
               InputError, retryable=True),
        Status(307, "文档损坏", "the document is damaged", TaskState.FAILED, InputError,
               retryable=True),
        Status(309, "文档无法成功读取或读取超时,请将文件转换成其他版本的word或pdf后再次尝试",
               "the document cannot be read or reading timed out", TaskState.FAILED, InputError,
               retryable=True, hint="save it as another version of Word or PDF and try again"),
        Status(310, "自动处理超时,等待人工处理",
               "automatic processing timed out; waiting for manual processing",
               TaskState.RUNNING, ProviderError),
        Status(311, "文件大小超过限制(50M)", "file larger than the limit (50 MB)",
               TaskState.FAILED, LimitExceededError, retryable=True),
        Status(312, "该翻译不存在", "the translation does not exist", None, NotFoundError),
        Status(313, "进行中", "in progress", TaskState.RUNNING, ProviderError, retryable=True),
        Status(314, "翻译完成", "done", TaskState.DONE, None),
        Status(315, "正在传递", "transferring", TaskState.RUNNING, ProviderError, retryable=True),
        Status(316, "处理超时", "processing timed out", TaskState.FAILED, JobFailedError),
        Status(317, "已取消", "cancelled", TaskState.FAILED, JobFailedError),
        Status(318, "该文件不存在", "the file does not exist", TaskState.FAILED, NotFoundError),
        Status(320, "翻译通道已被占用(不能上传进行翻译,需等待正在翻译的文件翻译结束)",
               "translation channel occupied (wait for the running one)",
               None, ChannelOccupiedError, retryable=True, refused=True),
        Status(321, "没有读取到需要翻译的内容", "nothing to translate was found",
               TaskState.FAILED, InputError, retryable=True),
        Status(322, "图片文件大小超过限制(20M)", "image file larger than the limit (20 MB)",
               TaskState.FAILED, LimitExceededError, retryable=True),
        Status(323, "图片文件像素超过限制(1000万)", "image over the pixel limit (10 megapixels)",
               TaskState.FAILED, LimitExceededError, retryable=True),
        Status(324, "图片文件解析失败", "the image cannot be parsed", TaskState.FAILED,
               InputError, retryable=True),
        Status(325, "正在人工处理", "manual processing under way", TaskState.RUNNING,
               ProviderError, retryable=True),
        Status(326, "重复翻译", "duplicate translation (this task was already submitted)",
               None, ProviderError),
        Status(327, "文档页数超限", "too many pages", TaskState.FAILED, LimitExceededError,
               retryable=True),
        Status(328, "图片生成失败", "image generation failed", TaskState.FAILED, JobFailedError),
        Status(329, "该文档状态异常", "abnormal document state", TaskState.FAILED, JobFailedError),
        Status(330, "检测页数完成", "page count done", TaskState.DONE, None),
    )
}  # fmt: skip

#: Calls that read a finished result: 312 there means the result is gone.
_DOWNLOADS = frozenset({"downloadFile", "image/downloadImage"})


def describe(code: int) -> str:
    """The English meaning of a code (``"unknown code N"`` for one the reference lacks)."""
    status = STATUSES.get(code)
    return status.meaning if status else f"unknown code {code}"


def labelled(code: int, provider_message: str = "") -> str:
    """A task status as transhub reports it: the meaning, then the provider's code and
    its own words — "the document is damaged (307 文档损坏)".  The service's message is
    shown when it gave one, else the reference's text for the code."""
    status = STATUSES.get(code)
    said = provider_message.strip() or (status.chinese if status else "")
    return f"{describe(code)} ({code} {said})" if said else f"{describe(code)} ({code})"


def outcome(code: int, provider_message: str = "", *, call: str, task: bool = False) -> TaskState:
    """What a code means for transhub: a state, or a typed error raised.

    ``task`` is false for the ``code`` of an answer: 100 (and 0, which the reference's
    ``trans`` example uses) give ``DONE`` — the call succeeded — and every other code
    raises the error of the table.  ``task`` is true for a task's ``status``: a
    state is returned (a failure status gives ``FAILED``; the caller reports its code
    and message), and only codes that are no task state raise.
    """
    status = STATUSES.get(code)
    if task:
        if code == ZERO:
            return TaskState.DONE
        if status is not None and status.state is not None:
            return status.state
    elif code in (OK, ZERO):
        return TaskState.DONE
    raise error_for(code, provider_message, call=call)


def error_for(code: int, provider_message: str = "", *, call: str) -> TranshubError:
    """The typed error an answer ``code`` means (not raised: the caller raises it)."""
    status = STATUSES.get(code)
    meaning = describe(code)
    message = f"{PROVIDER}: {call} answered {code} ({meaning})"
    shown = provider_message.strip()[:200] or None
    if status is None:
        return ProviderError(message, provider=PROVIDER, code=code, provider_message=shown)
    cls = status.error or ProviderError
    if code == NOT_FOUND and call in _DOWNLOADS:
        # Results are kept for a limited time: a known task whose result is asked for
        # and "does not exist" has most likely expired.
        cls = ResultExpiredError
    return cls(
        message,
        provider=PROVIDER,
        code=code,
        provider_message=shown,
        retryable=status.retryable,
        hint=status.hint or None,
        refused=status.refused,
    )
