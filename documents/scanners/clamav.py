import socket
import struct

from django.conf import settings

from documents.scanners.base import BaseScanner, ScannerUnavailable, ScanResult, scanners

CHUNK = 64 * 1024


@scanners.register("clamav")
class ClamdScanner(BaseScanner):
    """Streams the bytes to clamd with the INSTREAM command (no shared filesystem needed)."""

    key = "clamav"

    def __init__(self, host: str | None = None, port: int | None = None) -> None:
        self.host = host or settings.CLAMAV_HOST
        self.port = port or settings.CLAMAV_PORT
        self.timeout = settings.CLAMAV_TIMEOUT

    def scan(self, data: bytes) -> ScanResult:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = _read_reply(conn)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.host}:{self.port}: {exc}") from exc
        # "stream: OK" or "stream: Eicar-Signature FOUND" or "... ERROR"
        status = reply.removeprefix("stream:").strip()
        if status == "OK":
            return ScanResult(clean=True)
        if status.endswith("FOUND"):
            return ScanResult(clean=False, signature=status.removesuffix("FOUND").strip())
        raise ScannerUnavailable(f"clamd answered {reply!r}")


def _read_reply(conn: socket.socket) -> str:
    buffer = b""
    while not buffer.endswith(b"\0"):
        part = conn.recv(4096)
        if not part:
            break
        buffer += part
    return buffer.rstrip(b"\0").decode("utf-8", "replace")
