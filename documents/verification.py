"""Is this PDF one we issued, intact, and signed by someone we trust? (the /verify/ page and API)

Each signature is reported the way independent validators do: `intact` (the digest over the
signed byte ranges matches), `valid` (intact and the signature itself verifies: never true for a
digest mismatch), `trusted` (chains to SIGNING_TRUST_ROOTS), `covers_document` (its byte ranges
cover the whole file: pdfsig's "Total document signed"), what changed after it (pyHanko's
difference analysis: nothing, only validation data and timestamps, more signatures/form fields,
or anything else) and the PAdES level the file carries for it (B-B to B-LTA, the long-term
levels checked by pyHanko's AdES validation from the file alone).
"""

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from documents import selectors
from documents.constants import PADES_ORDER, PadesLevel
from documents.models import StoredDocument
from documents.signing import run_coroutine, trust_roots

logger = logging.getLogger(__name__)


class ChangesAfter(models.TextChoices):
    """What was added to the file after a signature (pyHanko's ModificationLevel)."""

    NONE = "none", _("Không có thay đổi nào sau khi ký")
    VALIDATION_DATA = "validation_data", _("Chỉ bổ sung dữ liệu kiểm tra và dấu thời gian")
    SIGNATURES = "signatures", _("Bổ sung chữ ký hoặc trường biểu mẫu")
    ANNOTATIONS = "annotations", _("Bổ sung ghi chú")
    OTHER = "other", _("Nội dung bị thay đổi sau khi ký")


class Verdict(models.TextChoices):
    AUTHENTIC = "authentic", _("Văn bản xác thực: chữ ký hợp lệ và đúng bản hệ thống đã phát hành.")
    SIGNATURE_VALID_UNKNOWN = (
        "signature_valid_unknown",
        _("Chữ ký hợp lệ nhưng hệ thống không phát hành đúng bản này."),
    )
    UNTRUSTED = "untrusted", _("Chữ ký còn nguyên vẹn nhưng chứng thư ký không được tin cậy.")
    TAMPERED = "tampered", _("Văn bản đã bị sửa đổi sau khi ký: chữ ký không hợp lệ.")
    MODIFIED = (
        "modified",
        _("Chữ ký còn nguyên vẹn nhưng văn bản đã bị thêm nội dung sau khi ký: không hợp lệ."),
    )
    UNSIGNED = "unsigned", _("Văn bản không có chữ ký số.")
    UNREADABLE = "unreadable", _("Tệp không phải PDF hợp lệ hoặc đã bị hỏng.")


@dataclass
class SignatureCheck:
    field_name: str
    kind: str = "signature"  # or "document_timestamp"
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_document: bool = False
    changes_after: str = ChangesAfter.OTHER
    changes_permitted: bool = False
    level: str = ""  # a PadesLevel, or "" when not a PAdES signature
    problem: str = ""
    certificate_sha256: str = ""  # of the signer's certificate (DER): who signed, exactly

    @property
    def ok(self) -> bool:
        return self.valid and self.trusted and self.changes_permitted

    def get_changes_after_display(self) -> str:
        return str(ChangesAfter(self.changes_after).label)


@dataclass
class VerificationReport:
    sha256: str
    verdict: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    issued: StoredDocument | None = None

    @property
    def level(self) -> str:
        """The lowest PAdES level among the signatures (document timestamps aside)."""
        levels = [s.level for s in self.signatures if s.kind == "signature"]
        if not levels or "" in levels:
            return ""
        return min(levels, key=lambda level: PADES_ORDER.index(PadesLevel(level)))

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
            "level": self.level,
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
                    "kind": s.kind,
                    "signer": s.signer,
                    "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "covers_document": s.covers_document,
                    "changes_after": s.changes_after,
                    "changes_permitted": s.changes_permitted,
                    "timestamped": s.timestamped,
                    "level": s.level,
                    "problem": s.problem,
                }
                for s in self.signatures
            ],
        }


def verify_pdf(data: bytes) -> VerificationReport:
    sha256 = hashlib.sha256(data).hexdigest()
    issued = selectors.document_issued_by_hash(sha256=sha256)
    try:
        checks = _check_signatures(data)
    except Exception:  # any parse failure: not a PDF we can vouch for
        logger.info("verification: unreadable PDF %s", sha256, exc_info=True)
        return VerificationReport(sha256=sha256, verdict=Verdict.UNREADABLE)
    return VerificationReport(
        sha256=sha256, verdict=_verdict(checks, issued), signatures=checks, issued=issued
    )


def _verdict(checks: list[SignatureCheck], issued: StoredDocument | None) -> str:
    if not any(c.kind == "signature" for c in checks):
        return Verdict.UNSIGNED
    if not all(c.valid for c in checks):
        return Verdict.TAMPERED
    if not all(c.changes_permitted for c in checks):
        return Verdict.MODIFIED
    if not all(c.trusted for c in checks):
        return Verdict.UNTRUSTED
    return Verdict.SIGNATURE_VALID_UNKNOWN if issued is None else Verdict.AUTHENTIC


def _check_signatures(data: bytes) -> list[SignatureCheck]:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.pdf_utils.reader import PdfFileReader

    # Local import: pyhanko_certvalidator is heavy: loaded only where it is used
    # (house rule, ruff TID253).
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    roots = trust_roots()
    checks = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        check = SignatureCheck(field_name=embedded.field_name)
        try:
            _check_one(embedded, context, check)
        except Exception as exc:  # a broken signature is a finding, not a crash
            logger.info("verification: %s failed", embedded.field_name, exc_info=True)
            check.problem = type(exc).__name__
            check.intact = check.valid = check.changes_permitted = False
        if not check.valid:
            check.level = ""
        elif check.level == PadesLevel.B_T:
            check.level = _long_term_level(reader, embedded, roots) or check.level
        checks.append(check)
    return checks


def _check_one(embedded, context, check: SignatureCheck) -> None:
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign._session_scope import run_and_release
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    is_timestamp = embedded.sig_object.get("/Type") == "/DocTimeStamp"
    validate = async_validate_pdf_timestamp if is_timestamp else async_validate_pdf_signature
    status = run_coroutine(lambda: run_and_release(validate(embedded, context), context))
    check.kind = "document_timestamp" if is_timestamp else "signature"
    check.intact = bool(status.intact)
    # pyHanko's `valid` judges the signature over the signed attributes only; a signature whose
    # digest no longer matches the document is never valid.
    check.valid = bool(status.intact and status.valid)
    check.trusted = bool(status.trusted)
    if status.signing_cert is not None:
        check.certificate_sha256 = hashlib.sha256(status.signing_cert.dump()).hexdigest()
    if is_timestamp:
        check.signer = _common_name(status.signing_cert)
        check.signed_at = status.timestamp
        check.timestamped = True
    else:
        check.signer = _common_name(status.signing_cert)
        check.timestamped = status.timestamp_validity is not None
        check.signed_at = (
            status.timestamp_validity.timestamp
            if status.timestamp_validity is not None
            else status.signer_reported_dt
        )
    check.covers_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    check.changes_after = {
        ModificationLevel.NONE: ChangesAfter.NONE,
        ModificationLevel.LTA_UPDATES: ChangesAfter.VALIDATION_DATA,
        ModificationLevel.FORM_FILLING: ChangesAfter.SIGNATURES,
        ModificationLevel.ANNOTATIONS: ChangesAfter.ANNOTATIONS,
    }.get(level, ChangesAfter.OTHER)
    # Only signatures, form fields, validation data and timestamps may follow a signature, and
    # only within what its /DocMDP permissions allow (pyHanko's judgement, as the CLI's).
    check.changes_permitted = (
        status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
        and check.changes_after
        in (ChangesAfter.NONE, ChangesAfter.VALIDATION_DATA, ChangesAfter.SIGNATURES)
        and status.docmdp_ok is not False
    )
    if not is_timestamp:
        check.level = PadesLevel.B_B if _is_pades(embedded) else ""
        if check.level and status.timestamp_validity is not None:
            ts = status.timestamp_validity
            check.level = PadesLevel.B_T if (ts.intact and ts.valid and ts.trusted) else check.level


def _long_term_level(reader, embedded, roots) -> str:
    """B-LT when pyHanko's AdES validation at the LTA level passes with revocation data required
    and nothing fetched (the file carries its own validation data), B-LTA when a document
    timestamp covers that data; "" otherwise."""
    # Local import: pyhanko is heavy: loaded only where it is used (house rule, ruff TID253).
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.policy_decl import (
        CertValidationPolicySpec,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )

    # Local import: pyhanko_certvalidator is heavy: loaded only where it is used
    # (house rule, ruff TID253).
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    if dss is None or not (dss.ocsps or dss.crls):
        return ""
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=roots),
                revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    try:
        result = run_coroutine(lambda: ades_lta_validation(embedded, spec))
    except Exception:
        logger.info("verification: LTA validation of %s failed", embedded.field_name, exc_info=True)
        return ""
    if result.ades_subindic != AdESPassed.OK:
        return ""
    return PadesLevel.B_LTA if result.oldest_evidence_record_timestamp else PadesLevel.B_LT


def _is_pades(embedded) -> bool:
    return embedded.sig_object.get("/SubFilter") == "/ETSI.CAdES.detached"


def _common_name(certificate) -> str:
    return certificate.subject.native.get("common_name", "") if certificate is not None else ""
