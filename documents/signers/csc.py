"""Remote signing through a Cloud Signature Consortium API service (ký số từ xa).

`CscClient` speaks the HTTP protocol (info, credentials/list, credentials/info,
credentials/sendOTP, credentials/authorize, signatures/signHash) in version 2 and, for services
that still answer 1.0.x (`info` says which), in version 1, whose hash fields are named `hash` and
`hashAlgo`; `csc_pyhanko_signer` wraps it as a pyHanko signer: pyHanko computes the CMS signed
attributes, we send their SHA-256 to the service, which signs the hash with a key that never
leaves it. The built-in simulator (documents.csc_simulator) answers the same calls; the tests
also sign through certomancer-csc-dummy, a CSC server written by someone else.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

import requests

from common.exceptions import ApplicationError

logger = logging.getLogger(__name__)

SHA256_OID = "2.16.840.1.101.3.4.2.1"
RSA_SHA256_OID = "1.2.840.113549.1.1.11"


class RemoteSigningError(ApplicationError):
    pass


@dataclass(frozen=True)
class CredentialInfo:
    credential_id: str
    certificates: list[bytes]  # DER, signer first
    key_bits: int
    subject: str
    # "explicit": the signer confirms with a one-time code; "implicit": the service's own way.
    auth_mode: str = "explicit"


def _refusal(method: str, status: int, error: dict) -> RemoteSigningError:
    """The service's refusal in the user's words. Its own `error_description` is English and
    meant for developers (issue #26 showed "The OTP is wrong or expired" to a signer): it goes
    to the log, the user reads what to do."""
    code = str(error.get("error") or "csc_error")
    logger.info(
        "remote signing: %s refused (HTTP %s, %s): %s",
        method,
        status,
        code,
        error.get("error_description", ""),
    )
    message: str
    if code == "invalid_otp":
        message = str(_("Mã xác nhận (OTP) không đúng hoặc đã hết hạn. Hãy nhập lại mã mới nhất."))
    elif code == "invalid_token":
        message = str(_("Cổng chưa được dịch vụ ký số từ xa chấp nhận. Hãy báo quản trị hệ thống."))
    else:
        message = _("Dịch vụ ký số từ xa từ chối yêu cầu (mã lỗi %(code)s). Vui lòng thử lại.") % {
            "code": code
        }
    return RemoteSigningError(message, code=code)


class CscClient:
    def __init__(self, base_url: str | None = None, token: str | None = None) -> None:
        self.base_url = (base_url or settings.REMOTE_SIGNING_URL).rstrip("/") + "/"
        self.token = token or settings.REMOTE_SIGNING_TOKEN
        self.timeout = settings.REMOTE_SIGNING_TIMEOUT
        self._major_version: int | None = None

    def _post(self, method: str, payload: dict) -> dict:
        try:
            response = requests.post(
                self.base_url + method,
                json=payload,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RemoteSigningError(
                str(_("Dịch vụ ký số từ xa không phản hồi; vui lòng thử lại sau.")),
                code="csc_unavailable",
            ) from exc
        if response.status_code >= 400:
            try:
                error = response.json()
            except ValueError:
                error = {}
            raise _refusal(method, response.status_code, error)
        return response.json() if response.content else {}

    def info(self) -> dict:
        return self._post("info", {})

    @property
    def major_version(self) -> int:
        """1 or 2, from the `specs` the service reports (asked once per client)."""
        if self._major_version is None:
            specs = str(self.info().get("specs", "2"))
            self._major_version = 1 if specs.startswith("1.") else 2
        return self._major_version

    def _hash_fields(self, hashes: list[bytes]) -> dict:
        encoded = [base64.b64encode(h).decode() for h in hashes]
        if self.major_version == 1:
            return {"hash": encoded, "hashAlgo": SHA256_OID}
        return {"hashes": encoded, "hashAlgorithmOID": SHA256_OID}

    def credentials_list(self, *, user_id: str) -> list[str]:
        return list(self._post("credentials/list", {"userID": user_id})["credentialIDs"])

    def credentials_info(self, *, credential_id: str) -> CredentialInfo:
        data = self._post(
            "credentials/info", {"credentialID": credential_id, "certificates": "chain"}
        )
        return CredentialInfo(
            credential_id=credential_id,
            certificates=[base64.b64decode(c) for c in data["cert"]["certificates"]],
            key_bits=int(data["key"]["len"]),
            subject=data["cert"].get("subjectDN", ""),
            auth_mode=str(data.get("authMode", "explicit")),
        )

    def send_otp(self, *, credential_id: str) -> None:
        self._post("credentials/sendOTP", {"credentialID": credential_id})

    def authorize(self, *, credential_id: str, otp: str, hashes: list[bytes]) -> str:
        payload = {
            "credentialID": credential_id,
            "numSignatures": len(hashes),
            **self._hash_fields(hashes),
            **({"OTP": otp} if otp else {}),
        }
        return self._post("credentials/authorize", payload)["SAD"]

    def sign_hash(self, *, credential_id: str, sad: str, hashes: list[bytes]) -> list[bytes]:
        data = self._post(
            "signatures/signHash",
            {
                "credentialID": credential_id,
                "SAD": sad,
                **self._hash_fields(hashes),
                "signAlgo": RSA_SHA256_OID,
            },
        )
        return [base64.b64decode(s) for s in data["signatures"]]


def csc_pyhanko_signer(*, client: CscClient, info: CredentialInfo, otp: str):
    """A pyHanko Signer whose raw signature comes from the CSC service, confirmed by `otp`."""
    # Local import: asn1crypto is a heavy library, loaded on first use.
    from asn1crypto import algos, x509

    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign.signers import Signer

    # Local import: pyhanko_certvalidator is heavy: loaded only where it is used
    # (house rule, ruff TID253).
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificates = [x509.Certificate.load(der) for der in info.certificates]

    class CscSigner(Signer):
        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False):
            if dry_run:
                return bytes(info.key_bits // 8)
            if digest_algorithm != "sha256":
                raise RemoteSigningError(f"unsupported digest {digest_algorithm}")
            digest = hashlib.sha256(data).digest()
            sad = client.authorize(credential_id=info.credential_id, otp=otp, hashes=[digest])
            (signature,) = client.sign_hash(
                credential_id=info.credential_id, sad=sad, hashes=[digest]
            )
            return signature

    return CscSigner(
        signing_cert=certificates[0],
        cert_registry=SimpleCertificateStore.from_certs(certificates[1:]),
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
    ), certificates
