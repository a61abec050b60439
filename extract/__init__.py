"""shequ: mine Chinese community-building reports.

    >>> import extract
    >>> doc = extract.read("report.pdf")        # Document: normalised text, sentences, status
    >>> result = extract.process("report.pdf")  # Result: document + figures + claims + honours
"""
from .pipeline import process, read
from .records import Claim, Document, Figure, Honour, RawDocument, Result, Sentence

__all__ = ["read", "process", "Document", "Figure", "Claim", "Honour", "RawDocument", "Result", "Sentence"]
__version__ = "0.1.0"
