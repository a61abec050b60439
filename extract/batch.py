"""Old name of `extract.bulk` (and of `extract.pipeline.process_file`), kept for one release."""
import warnings

from .bulk import RunOptions, RunSummary, run  # noqa: F401
from .pipeline import DEFAULT_TIME_LIMIT_S, process_file  # noqa: F401

warnings.warn("extract.batch is now extract.bulk (and extract.pipeline.process_file); this alias goes in the "
              "next release", DeprecationWarning, stacklevel=2)
