"""shequ: mine Chinese community-building reports.

    >>> import extract
    >>> doc = extract.read("report.pdf")               # Document: normalised text, sentences, status
    >>> result = extract.process_file("report.pdf")    # Result: document, figures, claims, honours, flags
"""
from .pipeline import process, process_file, read
from .records import Claim, Document, Figure, Flag, Honour, RawDocument, Result, Sentence

__all__ = ["read", "process_file", "process", "Document", "Figure", "Claim", "Honour", "Flag", "RawDocument",
           "Result", "Sentence"]
__version__ = "0.1.0"
