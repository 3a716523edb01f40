"""Virus-scanner plugins. `get_scanner()` returns the one chosen by `settings.VIRUS_SCANNER`."""

from django.conf import settings

# Importing the modules registers the plugins.
from documents.scanners import clamav, none  # noqa: F401
from documents.scanners.base import BaseScanner, ScannerUnavailable, ScanResult, scanners


def get_scanner() -> BaseScanner:
    return scanners[settings.VIRUS_SCANNER]()


__all__ = ["BaseScanner", "ScanResult", "ScannerUnavailable", "get_scanner", "scanners"]
