"""transhub's entry point into the Alibaba plugin (entry point group ``transhub``).

The hooks import the implementation lazily: installing the plugin costs nothing
until an image translation or a sandbox is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.hookspecs import Register, hookimpl

if TYPE_CHECKING:
    from transhub.sandbox import Sandbox
    from transhub.summary import ProviderSummary


@hookimpl
def register_image_translators(register: Register) -> None:
    """Register the image batch translator."""
    from transhub_alibaba.translator import AlibabaImageTranslator

    register(AlibabaImageTranslator)


@hookimpl
def register_sandboxes(register: Callable[[Sandbox], None]) -> None:
    """Register the emulator of TranslateImageBatch / GetTranslateImageBatchResult."""
    from transhub_alibaba.sandbox import SANDBOX

    register(SANDBOX)


@hookimpl
def describe_providers(register: Callable[[ProviderSummary], None]) -> None:
    """Alibaba as plain data, for a fast ``transhub providers`` (checked against the
    real registration by the test suite)."""
    from transhub.summary import ProviderSummary, RequiredSetting

    register(
        ProviderSummary(
            name="alibaba",
            title="Alibaba Cloud Machine Translation",
            capabilities=("image",),
            required=(
                RequiredSetting(
                    "access_key_id",
                    ("TRANSHUB_ALIBABA_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
                ),
                RequiredSetting(
                    "access_key_secret",
                    ("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
                ),
            ),
        )
    )
