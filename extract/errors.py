"""Errors: those a reader or stage raises for one file (`ExtractError`: the file gets a status row
with a one-line error and the batch goes on) and those of the run itself (`ShequError`: the CLI
prints one line and stops)."""


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


class FileTimeout(BaseException):
    """Raised by the per-file alarm (`pipeline.process_file`). A BaseException, so that no
    `except Exception` on the way (a reader's fallback, a stage's guard) can swallow it and carry
    on without a limit."""


class ShequError(Exception):
    """A problem of the run, not of one input file (a missing optional dependency, a missing or
    mismatched model): the CLI prints it as one line (`Error: …`) and exits 1."""


class MissingDependency(ShequError):
    """An optional feature needs a package that is not installed; the message names the extra."""


class ModelUnavailable(ShequError):
    """The standards model is missing or does not match the code; the message names `shequ train`."""


def one_line(e: BaseException, limit: int = 120) -> str:
    """An exception's message on one line, cut to `limit` characters (for a status row)."""
    return " ".join(str(e).split())[:limit]
