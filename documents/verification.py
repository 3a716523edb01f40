"""Is this PDF one we issued, intact, and signed by someone we trust? (the /verify/ page and API)"""

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents import devca, selectors
from documents.models import StoredDocument
from documents.signing import run_coroutine

logger = logging.getLogger(__name__)


class Verdict(models.TextChoices):
    AUTHENTIC = "authentic", _("Văn bản xác thực: chữ ký hợp lệ và đúng bản hệ thống đã phát hành.")
    SIGNATURE_VALID_UNKNOWN = (
        "signature_valid_unknown",
        _("Chữ ký hợp lệ nhưng hệ thống không phát hành đúng bản này."),
    )
    UNTRUSTED = "untrusted", _("Chữ ký còn nguyên vẹn nhưng chứng thư ký không được tin cậy.")
    TAMPERED = "tampered", _("Văn bản đã bị sửa đổi sau khi ký: chữ ký không hợp lệ.")
    UNSIGNED = "unsigned", _("Văn bản không có chữ ký số.")
    UNREADABLE = "unreadable", _("Tệp không phải PDF hợp lệ hoặc đã bị hỏng.")


@dataclass
class SignatureCheck:
    field_name: str
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_document: bool = False
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_document


@dataclass
class VerificationReport:
    sha256: str
    verdict: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    issued: StoredDocument | None = None

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.AUTHENTIC

    def as_dict(self) -> dict:
        issued = self.issued
        return {
            "sha256": self.sha256,
            "verdict": self.verdict,
            "message": self.verdict_label,
            "issued_document": None
            if issued is None
            else {
                "uuid": str(issued.uuid),
                "title": issued.title,
                "document_code": issued.document_code,
                "dossier_reference": issued.dossier_reference,
                "issued_at": issued.created_at.isoformat(),
                "signer": issued.signer_name,
                "agency": issued.signer_agency.name if issued.signer_agency else "",
            },
            "signatures": [
                {
                    "field": s.field_name,
                    "signer": s.signer,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "covers_document": s.covers_document,
                    "timestamped": s.timestamped,
                }
                for s in self.signatures
            ],
        }


def trust_roots() -> list:
    """Certificates /verify/ trusts: SIGNING_TRUST_ROOTS, plus the development CA with DEBUG on."""
    from pyhanko.keys import load_cert_from_pemder

    paths = list(settings.SIGNING_TRUST_ROOTS)
    dev_ca = settings.SIGNING_KEYS_DIR / devca.CA_CERT
    if settings.DEBUG and dev_ca.exists():
        paths.append(str(dev_ca))
    return [load_cert_from_pemder(path) for path in paths]


def verify_pdf(data: bytes) -> VerificationReport:
    sha256 = hashlib.sha256(data).hexdigest()
    issued = selectors.document_issued_by_hash(sha256=sha256)
    try:
        checks = _check_signatures(data)
    except Exception:  # any parse failure: not a PDF we can vouch for
        logger.info("verification: unreadable PDF %s", sha256, exc_info=True)
        return VerificationReport(sha256=sha256, verdict=Verdict.UNREADABLE)
    if not checks:
        verdict = Verdict.UNSIGNED
    elif not all(c.intact and c.valid and c.covers_document for c in checks):
        verdict = Verdict.TAMPERED
    elif not all(c.trusted for c in checks):
        verdict = Verdict.UNTRUSTED
    elif issued is None:
        verdict = Verdict.SIGNATURE_VALID_UNKNOWN
    else:
        verdict = Verdict.AUTHENTIC
    return VerificationReport(sha256=sha256, verdict=verdict, signatures=checks, issued=issued)


def _check_signatures(data: bytes) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(
        trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    signatures = reader.embedded_signatures
    checks = []
    for index, embedded in enumerate(signatures):
        check = SignatureCheck(field_name=embedded.field_name)
        try:
            status = run_coroutine(
                lambda embedded=embedded: run_and_release(
                    async_validate_pdf_signature(embedded, context), context
                )
            )
        except Exception as exc:  # a broken signature is a finding, not a crash
            check.problem = type(exc).__name__
            checks.append(check)
            continue
        check.intact, check.valid, check.trusted = status.intact, status.valid, status.trusted
        check.signer = status.signing_cert.subject.native.get("common_name", "")
        check.timestamped = status.timestamp_validity is not None
        check.signed_at = (
            status.timestamp_validity.timestamp
            if status.timestamp_validity is not None
            else status.signer_reported_dt
        )
        last = index == len(signatures) - 1
        # The last signature must cover the whole file; earlier ones their revision, with only
        # signature-related changes after them.
        check.covers_document = (
            status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            if last
            else status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
            and status.docmdp_ok is not False
        )
        checks.append(check)
    return checks
