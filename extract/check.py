"""Old name of `extract.audit`, kept for one release."""
import warnings

from .audit.corpus import CorpusIndex as Auditor  # noqa: F401
from .audit.corpus import digest as audit_digest  # noqa: F401
from .audit.document import check_document  # noqa: F401

warnings.warn("extract.check is now extract.audit (document.py and corpus.py); this alias goes in the next release",
              DeprecationWarning, stacklevel=2)
