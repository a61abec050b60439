"""Errors a reader or stage raises for one file; the batch turns each into a one-line row."""


class ExtractError(Exception):
    """A problem with one input file, worded for the user (one line, names the fix)."""

    status = "error"


class UnsupportedFormat(ExtractError):
    """The file is not a format shequ reads (the message names the detected type)."""

    status = "unsupported"


class UnreadableDocument(ExtractError):
    """The file claims a supported format but is damaged, encrypted or truncated."""


class LimitExceeded(ExtractError):
    """The file is over a size or decompression limit (a zip bomb, a huge file)."""


class NoTextLayer(ExtractError):
    """A PDF whose pages carry no usable text (scanned, or CID fonts without ToUnicode)."""

    status = "no_text_layer"


class MissingTool(ExtractError):
    """A format needs an external program that is not installed (legacy .doc)."""
