"""Two test providers, ``echo`` and ``parrot``, over one small HTTP service.

``echo`` offers every capability; ``parrot`` offers documents (.txt only) and text
(English to French only), so routing has real choices to make.
"""
