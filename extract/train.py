"""Old name of `extract.standards.train`, kept for one release."""
import warnings

from .standards.train import train  # noqa: F401

warnings.warn("extract.train is now extract.standards.train; this alias goes in the next release", DeprecationWarning,
              stacklevel=2)
