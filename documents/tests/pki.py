"""A real test PKI served over HTTP: root and issuing CA, OCSP responder, CRLs and an RFC 3161
timestamp authority, built by certomancer and served by its Animator WSGI app on a free
127.0.0.1 port. Signer certificates (agency seal, head of office, clerk, a revoked officer)
come out as PKCS#12 files the portal's key stores read, or as PEM for the CSC simulator.

Used by the tests (the `test_pki` fixture) and by `make bench` (B-LTA with a local TSA/OCSP).
"""

import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ARCH = "tayninh-test"
VALIDITY = {"valid-from": "2024-01-01T00:00:00+0000", "valid-to": "2050-01-01T00:00:00+0000"}
# Certificate label -> (common name, organisation). Issued by the issuing CA with
# digitalSignature + nonRepudiation, OCSP and CRL pointers.
SIGNERS = {
    "agency": ("UBND xã Tân Biên", "UBND xã Tân Biên"),
    "head": ("Nguyễn Văn Hùng", "UBND xã Tân Biên"),
    "clerk": ("Trần Thị Bích Ngọc", "UBND xã Tân Biên"),
    "officer": ("Lê Minh Tâm", "UBND xã Tân Biên"),
    "citizen": ("Phạm Thị Lan", "Công dân"),
    "revoked": ("Võ Văn Kiệt", "UBND xã Tân Biên"),
}
KEYS = ["root", "interm", "ocsp", "tsa", *SIGNERS]


def _config(url_prefix: str) -> dict:
    entities = {
        "root": {"common-name": "Tây Ninh Test Root CA", "organization-name": "Test PKI"},
        "interm": {"common-name": "Tây Ninh Test Signing CA", "organization-name": "Test PKI"},
        "ocsp": {"common-name": "Tây Ninh Test OCSP", "organization-name": "Test PKI"},
        "tsa": {"common-name": "Tây Ninh Test TSA", "organization-name": "Test PKI"},
    }
    for label, (name, organisation) in SIGNERS.items():
        entities[label] = {"common-name": name, "organization-name": organisation}
    certs: dict = {
        "root": {
            "subject": "root",
            "issuer": "root",
            "validity": VALIDITY,
            "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
        },
        "interm": {
            "issuer": "root",
            "validity": VALIDITY,
            "profiles": [
                {
                    "id": "simple-ca",
                    "params": {"max-path-len": 0, "crl-repo": "interm", "ocsp-service": "interm"},
                }
            ],
        },
        "ocsp": {"issuer": "interm", "validity": VALIDITY, "profiles": ["ocsp-responder"]},
        "tsa": {
            "issuer": "root",
            "validity": VALIDITY,
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                },
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            ],
        },
    }
    for label in SIGNERS:
        certs[label] = {
            "issuer": "interm",
            "validity": VALIDITY,
            "profiles": ["digsig-commitment"],
            # pdfsig (NSS) verifies a PDF signer as an e-mail signer: without this extended key
            # usage it answers "Unknown issue with Certificate".
            "extensions": [{"id": "extended_key_usage", "value": ["email_protection"]}],
        }
    # Serials fixed per certificate (certomancer would number them in load order), so that every
    # load of this configuration gives the same certificates.
    for serial, cert in enumerate(certs.values(), start=0x1000):
        cert["serial"] = serial
    certs["revoked"]["revocation"] = {
        "revoked-since": "2025-01-01T00:00:00+0000",
        "reason": "key_compromise",
    }
    return {
        "external-url-prefix": url_prefix,
        "keysets": {"testkeys": {"keys": {label: {"path": f"{label}.key.pem"} for label in KEYS}}},
        "pki-architectures": {
            ARCH: {
                "keyset": "testkeys",
                "entity-defaults": {"country-name": "VN"},
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "ocsp",
                            "signing-key": "ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


def _write_keys(folder: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    for label in KEYS:
        path = folder / f"{label}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


@dataclass
class TestPki:
    folder: Path
    url: str
    arch: object  # certomancer PKIArchitecture
    config: object = None  # certomancer CertomancerConfig
    server: object = None
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def root_pem(self) -> Path:
        return self.folder / "root.pem"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def certificate_pem(self, label: str) -> bytes:
        from asn1crypto import pem

        return pem.armor("CERTIFICATE", self.arch.get_cert(label).dump())

    def chain_pem(self, label: str) -> bytes:
        """The certificate and its issuers up to (not including) the root, as PEM."""
        labels = [label, *(c for c in self.arch.get_chain(label) if c != "root")]
        return b"".join(self.certificate_pem(c) for c in labels)

    def key_pem(self, label: str) -> bytes:
        return (self.folder / f"{label}.key.pem").read_bytes()

    def write_pkcs12(self, label: str, path: Path, passphrase: str = "") -> Path:
        path.write_bytes(self.arch.package_pkcs12(label, password=passphrase.encode() or None))
        path.chmod(0o600)
        return path

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    return Quiet


def start_test_pki(folder: Path) -> TestPki:
    """Make the keys (once per folder), build the PKI and serve it on a free local port."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import ArchLabel, CertomancerConfig
    from werkzeug.serving import make_server

    folder.mkdir(parents=True, exist_ok=True)
    _write_keys(folder)
    # Bind first, so that the URLs written into the certificates carry the real port.
    server = make_server(
        "127.0.0.1", 0, app=_Deferred(), threaded=True, request_handler=_quiet_handler()
    )
    url = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig(_config(url), key_search_dir=str(folder))
    arch = config.get_pki_arch(ArchLabel(ARCH))
    server.app.target = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    (folder / "certomancer.yml").write_text(
        yaml.safe_dump(_config(url), allow_unicode=True, sort_keys=False)
    )
    pki = TestPki(folder=folder, url=url, arch=arch, config=config, server=server)
    pki.root_pem.write_bytes(pki.certificate_pem("root"))
    pki.thread = threading.Thread(target=server.serve_forever, daemon=True)
    pki.thread.start()
    return pki


class _Deferred:
    """A WSGI app whose target is set after the server has bound its port."""

    target = None

    def __call__(self, environ, start_response):
        return self.target(environ, start_response)


@dataclass
class CscDummy:
    """certomancer-csc-dummy (a CSC API 1.0.4 server) over the test PKI, on a free local port."""

    url: str  # ends with /csc/v1/
    loop: object
    runner: object

    def stop(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def start_csc_dummy(pki: TestPki) -> CscDummy:
    import asyncio

    from aiohttp import web
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    csc = CSCWithCertomancer(pki.config, service_params=DummyServiceParams())
    csc.register_routes()

    async def serve():
        runner = web.AppRunner(csc.app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        return runner, port

    runner, port = asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    return CscDummy(url=f"http://127.0.0.1:{port}/csc/v1/", loop=loop, runner=runner)
