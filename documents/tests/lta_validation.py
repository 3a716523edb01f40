"""pyHanko's AdES validation at the LTA level (ETSI EN 319 102-1 § 5.6.3), from the file alone:
no online fetching, revocation information required — what a validator decades from now has."""

import io
from dataclasses import dataclass


@dataclass
class LtaResult:
    field: str
    indication: str  # "PASSED" or the AdES failure/indeterminate sub-indication
    signer: str
    best_time: object
    oldest_document_timestamp: object


def validate_lta(pdf: bytes, root_pem) -> list[LtaResult]:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        CertValidationPolicySpec,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from documents.signing import run_coroutine

    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(
                    trust_roots=[load_cert_from_pemder(str(root_pem))]
                ),
                revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    results = []
    for sig in reader.embedded_regular_signatures:
        result = run_coroutine(lambda sig=sig: ades_lta_validation(sig, spec))
        indication = (
            "PASSED" if result.ades_subindic == AdESPassed.OK else str(result.ades_subindic)
        )
        signer = ""
        if result.api_status is not None:
            signer = result.api_status.signing_cert.subject.native.get("common_name", "")
        results.append(
            LtaResult(
                field=sig.field_name,
                indication=indication,
                signer=signer,
                best_time=result.best_signature_time,
                oldest_document_timestamp=result.oldest_evidence_record_timestamp,
            )
        )
    return results
