"""At PAdES B-T (SIGNING_PADES_LEVEL) signatures carry an RFC 3161 timestamp from that authority (here a
small HTTP TSA on 127.0.0.1 built on pyHanko's test time stamper, certificate from the dev CA)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from documents import devca
from documents.tests.helpers import issue_receipt, read
from documents.verification import Verdict, verify_pdf


@pytest.fixture
def tsa_url(key_pool, settings):
    from asn1crypto import keys, tsp, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key, certificate = devca.issue(
        key_pool.ca,
        common_name="Dev TSA",
        organisation="Cổng DVC Tây Ninh",
        key=key_pool.keys[1],
        time_stamping=True,
    )
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests_seen.append(self.headers["Content-Type"])
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    settings.SIGNING_PADES_LEVEL = "B-T"
    try:
        yield requests_seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_signature_carries_a_timestamp_from_the_configured_authority(
    citizen, agency, tsa_url, pdfsig, pyhanko_validate
):
    document = issue_receipt(citizen, agency)
    pdf = read(document)
    # pyHanko asks once to size the signature container and once for the real token.
    assert tsa_url
    assert set(tsa_url) == {"application/timestamp-query"}
    report = verify_pdf(pdf)
    assert report.verdict == Verdict.AUTHENTIC
    assert report.signatures[0].timestamped
    code, summary = pyhanko_validate(pdf)
    assert code == 0, summary
    assert ":VALID" in summary, summary
    assert "Signature is Valid" in pdfsig(pdf)
