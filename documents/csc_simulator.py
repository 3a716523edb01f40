"""A local Cloud Signature Consortium API v2 service with software keys (the embedded default).

It is what a commercial remote-signing provider looks like from the portal: JSON over HTTP with
a bearer token; each signature needs a one-time code sent to the signer (here: stored in the
simulator's table and shown on the demo page as a "simulated SMS"). It answers only when
CSC_SIMULATOR_ENABLED is on; the portal reaches it through REMOTE_SIGNING_URL like any provider.
"""

import base64
import json
import secrets
import uuid
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from accounts.models import User
from common.simulators import simulator_on
from documents import devca
from documents.models import RemoteSigningCredential, RemoteSigningOtp
from documents.signers.csc import RSA_SHA256_OID, SHA256_OID

OTP_LIFETIME = timedelta(minutes=5)
SAD_LIFETIME = timedelta(minutes=5)


def _error(status: int, error: str, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def csc_endpoint(view):
    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest):
        if not simulator_on("CSC_SIMULATOR_ENABLED"):
            raise Http404
        auth = request.headers.get("Authorization", "")
        if not constant_time_compare(auth, f"Bearer {settings.REMOTE_SIGNING_TOKEN}"):
            return _error(401, "invalid_token", "Missing or wrong bearer token")
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "invalid_request", "Body is not JSON")
        return view(request, payload)

    return wrapper


def _credential(payload: dict) -> RemoteSigningCredential | None:
    return RemoteSigningCredential.objects.filter(
        credential_id=str(payload.get("credentialID", ""))
    ).first()


@csc_endpoint
def info(request, payload):
    return JsonResponse(
        {
            "specs": "2.0.0.2",
            "name": "Tây Ninh CSC simulator",
            "region": "VN",
            "lang": "vi",
            "authType": ["external"],
            "methods": [
                "credentials/list",
                "credentials/info",
                "credentials/sendOTP",
                "credentials/authorize",
                "signatures/signHash",
            ],
        }
    )


@csc_endpoint
def credentials_list(request, payload):
    user_ref = str(payload.get("userID", ""))
    user = User.objects.filter(uuid=user_ref).first() if _is_uuid(user_ref) else None
    if user is None:
        return _error(400, "invalid_request", "Unknown userID")
    credentials = list(
        RemoteSigningCredential.objects.filter(user_ref=user_ref).values_list(
            "credential_id", flat=True
        )
    )
    if not credentials:  # enrolment on first use: the simulator issues a key and certificate
        credentials = [_enrol(user).credential_id]
    return JsonResponse({"credentialIDs": credentials})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _enrol(user: User) -> RemoteSigningCredential:
    ca = devca.ensure_ca(settings.SIGNING_KEYS_DIR)
    profile = getattr(user, "profile", None)
    name = (profile.full_name if profile else "") or user.full_name or user.email
    key, certificate = devca.issue(ca, common_name=name, organisation="Công dân")
    return RemoteSigningCredential.objects.create(
        user_ref=str(user.uuid),
        credential_id=uuid.uuid4().hex,
        private_key_pem=devca.key_pem(key).decode(),
        certificate_pem=(devca.pem(certificate) + devca.pem(ca.certificate)).decode(),
    )


def _chain(credential: RemoteSigningCredential) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(credential.certificate_pem.encode())


@csc_endpoint
def credentials_info(request, payload):
    credential = _credential(payload)
    if credential is None:
        return _error(400, "invalid_request", "Unknown credentialID")
    chain = _chain(credential)
    if payload.get("certificates", "single") == "single":
        chain = chain[:1]
    signer = chain[0]
    signer_key = signer.public_key()
    assert isinstance(signer_key, rsa.RSAPublicKey)  # the simulator issues RSA keys only
    return JsonResponse(
        {
            "description": "Software key (simulator)",
            "key": {
                "status": "enabled",
                "algo": [RSA_SHA256_OID],
                "len": signer_key.key_size,
            },
            "cert": {
                "status": "valid",
                "certificates": [
                    base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                    for c in chain
                ],
                "issuerDN": signer.issuer.rfc4514_string(),
                "subjectDN": signer.subject.rfc4514_string(),
                "serialNumber": format(signer.serial_number, "x"),
                "validFrom": signer.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ"),
                "validTo": signer.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"),
            },
            "authMode": "explicit",
            "SCAL": "2",
            "OTP": {"presence": "true", "type": "online", "format": "N", "ID": "sms"},
            "multisign": 1,
        }
    )


@csc_endpoint
def credentials_send_otp(request, payload):
    credential = _credential(payload)
    if credential is None:
        return _error(400, "invalid_request", "Unknown credentialID")
    RemoteSigningOtp.objects.create(
        credential=credential,
        code=f"{secrets.randbelow(10**6):06d}",
        expires_at=timezone.now() + OTP_LIFETIME,
    )
    return JsonResponse({}, status=200)


@csc_endpoint
@transaction.atomic
def credentials_authorize(request, payload):
    credential = _credential(payload)
    if credential is None:
        return _error(400, "invalid_request", "Unknown credentialID")
    if payload.get("hashAlgorithmOID") != SHA256_OID or not payload.get("hashes"):
        return _error(400, "invalid_request", "hashes with SHA-256 are required (SCAL2)")
    otp = (
        RemoteSigningOtp.objects.select_for_update()
        .filter(credential=credential, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if otp is None or not constant_time_compare(otp.code, str(payload.get("OTP", ""))):
        return _error(400, "invalid_otp", "The OTP is wrong or expired")
    otp.used_at = timezone.now()
    otp.sad = secrets.token_urlsafe(32)
    otp.hashes = list(payload["hashes"])
    otp.save(update_fields=["used_at", "sad", "hashes", "updated_at"])
    return JsonResponse({"SAD": otp.sad, "expiresIn": int(SAD_LIFETIME.total_seconds())})


@csc_endpoint
@transaction.atomic
def signatures_sign_hash(request, payload):
    credential = _credential(payload)
    if credential is None:
        return _error(400, "invalid_request", "Unknown credentialID")
    otp = (
        RemoteSigningOtp.objects.select_for_update()
        .filter(credential=credential, sad=str(payload.get("SAD", "")), sad_used_at__isnull=True)
        .exclude(sad="")
        .first()
    )
    if otp is None or otp.used_at is None or otp.used_at + SAD_LIFETIME < timezone.now():
        return _error(400, "invalid_request", "Invalid or expired SAD")
    if payload.get("hashes") != otp.hashes:
        return _error(400, "invalid_request", "Hashes differ from those authorised")
    if payload.get("signAlgo") != RSA_SHA256_OID:
        return _error(400, "invalid_request", "Only sha256WithRSAEncryption is supported")
    key = serialization.load_pem_private_key(credential.private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)  # the simulator issues RSA keys only
    signatures = [
        base64.b64encode(
            key.sign(base64.b64decode(h), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        ).decode()
        for h in otp.hashes
    ]
    otp.sad_used_at = timezone.now()
    otp.save(update_fields=["sad_used_at", "updated_at"])
    return JsonResponse({"signatures": signatures})


def latest_otp_for_demo(*, credential_id: str) -> str:
    """The code the simulator 'texted' last, shown on the demo page in place of a phone."""
    otp = (
        RemoteSigningOtp.objects.filter(
            credential__credential_id=credential_id,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    return otp.code if otp else ""
