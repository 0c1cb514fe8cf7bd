"""Preparing image batches: the batch routed to one provider that takes its kinds of
input (local files, URLs) and its languages, every image checked against that
provider's limits and for an existing result, before anything is sent; the result an
:class:`~transhub.jobs.plans.ImagePlan`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub import validation
from transhub.capabilities.image import ImageOptions, ImageSource, ImageTranslator
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError
from transhub.naming import Stems, existing_output, image_source
from transhub.pool import ProviderPool

if TYPE_CHECKING:
    from transhub.jobs.plans import ImagePlan
    from transhub.router import Need


class ImagePlanning(ProviderPool):
    """``prepare_images`` (a part of :class:`~transhub.hub.Hub`)."""

    def prepare_images(
        self,
        inputs: Sequence[str | Path],
        target: str,
        *,
        source: str | None = None,
        provider: str | None = None,
        output_dir: str | Path = ".",
        options: ImageOptions | None = None,
        overwrite: bool = False,
        keep_going: bool = False,
        fallback: bool | None = None,
    ) -> ImagePlan:
        """Validate and route an image batch (local files or http(s) URLs) without
        sending anything: its plan.  Every image is checked first; bad ones refuse the
        batch all at once, each named — or, with ``keep_going``, are left out and
        listed in the plan's ``refused``.  An existing result is refused unless
        ``overwrite`` (or it is transhub's own result of the same work).  The plan
        names the other candidates that take the batch's kinds of input, languages
        and options, to move a refused task to with ``fallback`` (default: the
        setting ``routing.fallback``; see :mod:`transhub.jobs.fallback`)."""
        from transhub.batch import validate_every
        from transhub.jobs import fallback as fallbacks
        from transhub.jobs.drivers.images import image_prints
        from transhub.jobs.plans import ImagePlan

        options = options or ImageOptions()
        given = list(dict.fromkeys(str(i) for i in inputs))
        parsed, bad_names = validate_every(given, image_source, keep_going=keep_going)
        if not parsed:
            raise InputError("no image given")
        unique = list(dict.fromkeys(parsed.values()))
        cls, src, dst, need = self._route_images(unique, target, source, provider, options)
        others = fallbacks.alternatives(
            self, Capability.IMAGE, cls.provider.name, provider=provider, need=need
        )
        names = Stems()
        names.reserve(unique)
        folder = Path(output_dir)

        def check(item: ImageSource) -> ImageSource:
            if item.path is not None:
                assert cls.limits is not None
                validation.check_file(item.path, cls.limits, cls.provider.name)
            if not overwrite:
                taken = existing_output(folder, names.stem(item), dst)
                # Transhub's own result of this work at any candidate (fallback).
                chain = (cls.provider.name, *others)
                if taken is not None and not self.journal.is_own_output(
                    taken, image_prints(chain, item, dst, src, options)
                ):
                    raise InputError("already exists (use --overwrite to replace it)", path=taken)
            return item

        _, refused = validate_every(unique, check, keep_going=keep_going, label=lambda s: s.label)
        # An input that is not even an image reference stands for itself.
        refused.update({ImageSource(url=name): exc for name, exc in bad_names.items()})
        order = {name: parsed.get(name, ImageSource(url=name)) for name in given}
        return ImagePlan(
            cls,
            tuple(order[str(i)] for i in inputs),
            dst,
            src,
            options,
            folder,
            stems={s: names.stem(s) for s in unique},
            overwrite=overwrite,
            refused=refused,
            alternatives=others,
            fallback=fallbacks.enabled(self, fallback),
        )

    def _route_images(
        self,
        unique: Sequence[ImageSource],
        target: str,
        source: str | None,
        provider: str | None,
        options: ImageOptions,
    ) -> tuple[type[ImageTranslator[Any, Any]], str | None, str, Need]:
        """The implementation that takes this batch's kinds of input, languages and
        options, the canonical source and target languages, and what a candidate
        must offer to take the batch (its kinds of input, languages and options)."""
        has_files = any(s.path is not None for s in unique)
        has_urls = any(s.url is not None for s in unique)
        if has_files and has_urls:
            _check_mixable(self.registry.implementations(Capability.IMAGE), unique, provider)
        src, dst = self._languages(Capability.IMAGE, provider, source, target)
        assert dst is not None

        def kinds(cls: Any) -> str | None:
            if has_files and not cls.accepts_files:
                return "takes public URLs only, not local files"
            if has_urls and not cls.accepts_urls:
                return "takes local files only, not URLs"
            return None

        cls = cast(
            type[ImageTranslator[Any, Any]],
            self.route(
                Capability.IMAGE, provider=provider, need=self._language_need(src, dst, kinds)
            ),
        )
        need = self._language_need(src, dst, lambda c: kinds(c) or _options_fit(c, options))
        name = cls.provider.name
        reason = kinds(cls)
        if reason is not None:
            others = [
                c.provider.name
                for c in self.registry.implementations(Capability.IMAGE)
                if kinds(c) is None and c is not cls
            ]
            alternative = f"; use --provider {others[0]}" if others else ""
            example = next(
                s.label
                for s in unique
                if (s.path if has_files and not cls.accepts_files else s.url)
            )
            raise InputError(f"{example}: {name} {reason}{alternative}")
        validation.check_languages(cls.languages, src, dst, name)
        reason = _options_fit(cls, options)
        if reason is not None:
            raise InputError(f"{name} {reason}")
        return cls, src, dst, need


def _check_mixable(
    implementations: Sequence[Any], unique: Sequence[ImageSource], provider: str | None
) -> None:
    """A batch of local files and URLs needs a provider that takes both: when none
    does, that is the problem to name (not the languages, nor --from), before
    routing.  With ``--provider`` the provider's own refusal names the input."""
    if provider is not None or any(c.accepts_files and c.accepts_urls for c in implementations):
        return
    file = next(s.label for s in unique if s.path is not None)
    url = next(s.label for s in unique if s.url is not None)
    takes = "; ".join(
        f"{c.provider.name}: {'local files' if c.accepts_files else 'URLs'} only"
        for c in implementations
    )
    raise InputError(
        f"this batch mixes local files ({file}) and URLs ({url}), and no provider takes "
        f"both ({takes}): translate the files and the URLs in separate runs"
    )


def _options_fit(cls: Any, options: ImageOptions) -> str | None:
    """``None`` when ``cls`` offers the batch's field and options, else why not."""
    if options.field is not None and options.field not in cls.fields:
        fields = ", ".join(sorted(cls.fields)) or "none"
        return f"has no field {options.field!r} (fields: {fields})"
    for option in ("editor_data", "ignore_entity"):
        if getattr(options, option) and option not in cls.options:
            return f"does not offer --{option.replace('_', '-')}"
    return None
