"""The SIPRI trade-register importer: both export layouts, mapped onto actors, systems and cited deals."""

from .importer import ImportReport, import_release
from .reader import CLASSIC, PER_YEAR, FormatError
from .resolve import MissingReferenceData

__all__ = ["CLASSIC", "PER_YEAR", "FormatError", "ImportReport", "MissingReferenceData", "import_release"]
