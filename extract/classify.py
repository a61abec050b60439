"""Old name of `extract.standards`, kept for one release."""
import warnings

from .standards import classify_document, claims_of, honours_of  # noqa: F401
from .standards.tagger import tagger  # noqa: F401

warnings.warn("extract.classify is now extract.standards; this alias goes in the next release", DeprecationWarning,
              stacklevel=2)
