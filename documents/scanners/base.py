from dataclasses import dataclass

from common.registry import Registry


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not be reached; the upload is refused rather than stored unscanned."""


class BaseScanner:
    key: str = ""

    def scan(self, data: bytes) -> ScanResult:
        raise NotImplementedError


scanners: Registry[type[BaseScanner]] = Registry("virus scanner")
