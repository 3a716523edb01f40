"""Twilio's `HttpClient` interface on one urllib3 pool per process (ADR 0346).

twilio-python sends every API call through `Client(http_client=...)`; its own `TwilioHttpClient`
drives `requests`, which per message builds a `Request`, prepares it (cookies, hooks, auth),
merges the environment's settings, goes through an adapter and builds a `requests.Response`:
about a third of the worker's CPU per SMS. Its pool also keeps only min(32, cores + 4) https
connections (6 on two cores) and 10 http ones, so a worker with 16 threads closed the extra
connections after each message and opened new ones — against api.twilio.com, a TLS handshake for
most messages in flight. This client sends the same requests (method, URL, query, form or JSON
body, Basic auth, twilio's own headers) straight through urllib3 and keeps a connection per
thread in flight.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import urllib3
from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.http.response import Response

logger = logging.getLogger("twilio.http_client")

# Connections kept per host and process. A connection is opened only for a request in flight,
# so this is a ceiling the worker's threads never reach (docs/deployment.md: 16 per process);
# below the thread count the pool would close connections after use and open new ones.
POOL_SIZE = 64


def environment_settings(url: str) -> dict[str, Any]:
    """The proxies, CA bundle and client certificate the environment gives `url` (HTTPS_PROXY,
    NO_PROXY, REQUESTS_CA_BUNDLE …), as `requests` reads them; read once, when the client is
    made (ADR 0332), never per message."""
    with requests.Session() as session:
        return session.merge_environment_settings(url, {}, None, None, None)


class PooledTwilioHttpClient(HttpClient):
    """Sends twilio-python's requests to `base_url` (the simulator, or Twilio itself when empty)
    over one urllib3 pool.

    Twilio's own client is replaced, not its protocol: the library still builds every request
    and reads every answer (errors included) from the `Response` returned here."""

    def __init__(self, *, target_url: str, rewrite_to: str = "", timeout: float) -> None:
        super().__init__(logger, False, timeout)
        self.rewrite_to = urlsplit(rewrite_to) if rewrite_to else None
        env = environment_settings(target_url)
        scheme = urlsplit(target_url).scheme
        self.proxy_url: str | None = (env["proxies"] or {}).get(scheme)
        verify = env["verify"]
        options: dict[str, Any] = {
            "maxsize": POOL_SIZE,
            "block": False,
            "retries": False,  # as twilio's client without max_retries: the outbox retries
            "cert_reqs": "CERT_REQUIRED" if verify else "CERT_NONE",
            "ca_certs": verify if isinstance(verify, str) else requests.certs.where(),
        }
        if env["cert"]:
            cert = env["cert"]
            options["cert_file"], options["key_file"] = (
                cert if isinstance(cert, tuple) else (cert, None)
            )
        self.pool = (
            urllib3.ProxyManager(self.proxy_url, **options)
            if self.proxy_url
            else urllib3.PoolManager(**options)
        )

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        headers = dict(headers or {})
        url = self._url(uri, params)
        body = self._body(data, headers)
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("latin-1")).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        seconds = timeout if timeout is not None else self.timeout
        if logger.isEnabledFor(logging.INFO):
            logger.info("%s Request: %s", method.upper(), url)
        try:
            answer = self.pool.request(
                method.upper(),
                url,
                body=body,
                headers=headers,
                redirect=allow_redirects,
                retries=False,  # said per request too: never a second POST of one message
                timeout=urllib3.Timeout(connect=seconds, read=seconds),
            )
        except urllib3.exceptions.HTTPError as exc:
            raise TwilioException(f"{method.upper()} {url}: {exc}") from exc
        if logger.isEnabledFor(logging.INFO):
            logger.info("Response Status Code: %s", answer.status)
        text = answer.data.decode("utf-8", errors="replace")
        self._test_only_last_response = Response(answer.status, text, answer.headers)
        return self._test_only_last_response

    def _url(self, uri: str, params: dict[str, object] | None) -> str:
        parts = urlsplit(uri)
        if self.rewrite_to is not None:  # https://api.twilio.com/2010-04-01/… → the simulator's
            target = self.rewrite_to
            parts = parts._replace(
                scheme=target.scheme,
                netloc=target.netloc,
                path=target.path.rstrip("/") + parts.path,
            )
        query = _form(params)
        if query:
            parts = parts._replace(query=f"{parts.query}&{query}" if parts.query else query)
        return urlunsplit(parts._replace(fragment=""))

    @staticmethod
    def _body(data: dict[str, object] | None, headers: dict[str, str]) -> bytes | None:
        if not data:  # as `requests`: no body and no Content-Type for an empty form
            return None
        if headers.get("Content-Type") in ("application/json", "application/scim+json"):
            return json.dumps(data).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return _form(data).encode("ascii")


def _form(values: dict[str, object] | None) -> str:
    """`requests`' encoding of a dict: a list is a repeated key, None is left out."""
    if not values:
        return ""
    pairs = []
    for key, value in values.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None:
                pairs.append((key, item))
    return urlencode(pairs)
