"""Before the suite: say in one line which of PostgreSQL and Redis does not answer, and stop."""

import os
import socket
import sys
from urllib.parse import urlparse


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 3
        ):
            return True
    except OSError:
        return False


def main() -> int:
    checks = [
        ("PostgreSQL", os.environ["DATABASE_URL"], 5432),
        ("Redis", os.environ["REDIS_URL"], 6379),
    ]
    missing = [f"{name} at {url}" for name, url, port in checks if not _answers(url, port)]
    if missing:
        print(
            "Tests need these services, which do not answer: " + "; ".join(missing), file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
