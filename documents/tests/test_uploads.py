"""document_store: the one way in for every file; refusals change nothing."""

import hashlib
import io

import pytest
from PIL import Image

from accounts.tests.factories import CitizenFactory, OrganisationFactory
from common.models import AuditEvent
from documents import services
from documents.constants import DocumentSource, OwnerKind, UseKind
from documents.models import StoredDocument
from documents.tests.helpers import EICAR, make_jpeg_with_gps, make_pdf, make_png
from documents.uploads import UploadRefused

pytestmark = pytest.mark.django_db

# The first bytes of a Windows executable (MZ header + PE stub), as a renamed .exe would have.
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 200
)


def store(user, data, **kwargs):
    return services.document_store(
        data=data,
        title=kwargs.pop("title", "Giấy tờ"),
        source=DocumentSource.UPLOADED,
        owner_user=user,
        created_by=user,
        **kwargs,
    )


def assert_nothing_stored(media_root):
    assert StoredDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(action="document.stored").exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_pdf_is_stored_with_hash_size_type_and_owner_id(citizen, settings):
    citizen.profile.id_number = "072090001234"
    citizen.profile.save()
    pdf = make_pdf()
    document = store(citizen, pdf, original_name="../../giay khai sinh.pdf", doc_type_code="GKS")
    assert document.content_type == "application/pdf"
    assert document.size == len(pdf)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.owner_kind == OwnerKind.PERSON
    assert document.owner_code == "072090001234"
    assert document.document_code == "072090001234.GKS"
    assert document.original_name == "giay khai sinh.pdf"
    # Stored under a random name, not the uploaded one.
    assert "khai" not in document.file.name
    assert document.file.name.startswith("documents/")
    assert len(document.file.name.removeprefix("documents/").removesuffix(".pdf")) == 32
    with document.file.open("rb") as fh:
        assert fh.read() == pdf
    assert AuditEvent.objects.filter(
        action="document.stored", object_id=str(document.uuid)
    ).exists()


def test_renamed_executable_is_refused(citizen, settings):
    with pytest.raises(UploadRefused) as refused:
        store(citizen, EXECUTABLE, original_name="don-de-nghi.pdf")
    assert refused.value.code == "type_not_allowed"
    assert "PDF, JPEG, PNG" in refused.value.message
    assert_nothing_stored(settings.MEDIA_ROOT)


def test_oversized_file_is_refused(citizen, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 1024
    with pytest.raises(UploadRefused) as refused:
        store(citizen, make_pdf() + b"\n%" + b"x" * 2048)
    assert refused.value.code == "too_large"
    assert_nothing_stored(settings.MEDIA_ROOT)


def test_broken_pdf_is_refused(citizen, settings):
    broken = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a pdf\n%%EOF"
    with pytest.raises(UploadRefused) as refused:
        store(citizen, broken)
    assert refused.value.code == "pdf_broken"
    assert_nothing_stored(settings.MEDIA_ROOT)


def test_truncated_pdf_is_refused(citizen, settings):
    with pytest.raises(UploadRefused) as refused:
        store(citizen, make_pdf()[:300])
    assert refused.value.code == "pdf_broken"


def test_encrypted_pdf_is_refused(citizen, settings):
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf())))
    writer.security_handler = StandardSecurityHandler.build_from_pw("mat-khau", "mat-khau")
    writer._assign_security_handler(writer.security_handler)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UploadRefused) as refused:
        store(citizen, out.getvalue())
    assert refused.value.code == "pdf_encrypted"
    assert_nothing_stored(settings.MEDIA_ROOT)


def test_png_named_pdf_is_stored_as_png(citizen):
    document = store(citizen, make_png(), original_name="scan.pdf")
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")


def test_jpeg_is_reencoded_without_exif_gps(citizen):
    original = make_jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    document = store(citizen, original)
    with document.file.open("rb") as fh:
        stored = fh.read()
    assert stored != original
    reopened = Image.open(io.BytesIO(stored))
    assert reopened.format == "JPEG"
    assert not reopened.getexif().get_ifd(0x8825)
    assert 0x010F not in reopened.getexif()
    assert document.sha256 == hashlib.sha256(stored).hexdigest()


def test_image_with_trailing_payload_loses_it(citizen):
    document = store(citizen, make_png() + b"<script>alert(1)</script>")
    with document.file.open("rb") as fh:
        assert b"<script>" not in fh.read()


def test_dossier_total_size_limit(citizen, settings):
    pdf = make_pdf()
    settings.DOCUMENTS_MAX_DOSSIER_BYTES = len(pdf) * 2 + 10
    use = services.UseSpec(kind=UseKind.DOSSIER, reference="H56.10-251128-0001")
    store(citizen, pdf, use=use)
    store(citizen, make_pdf("Sổ hộ khẩu"), use=use)
    with pytest.raises(UploadRefused) as refused:
        store(citizen, make_pdf("Giấy chứng nhận"), use=use)
    assert refused.value.code == "dossier_too_large"
    assert StoredDocument.objects.count() == 2


def test_organisation_store_owner_is_tax_code(citizen):
    organisation = OrganisationFactory(tax_code="3900123456")
    document = services.document_store(
        data=make_pdf(),
        title="Giấy chứng nhận đăng ký doanh nghiệp",
        source=DocumentSource.UPLOADED,
        owner_organisation=organisation,
        doc_type_code="GCNDKDN",
        created_by=citizen,
    )
    assert document.owner_kind == OwnerKind.ORGANISATION
    assert document.document_code == "3900123456.GCNDKDN"


def test_eicar_is_refused_through_clamd(citizen, settings, clamd):
    settings.VIRUS_SCANNER = "clamav"
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = clamd
    # EICAR inside an otherwise valid PDF, so only the virus scan can refuse it.
    infected = make_pdf() + b"\n%" + EICAR + b"\n"
    with pytest.raises(UploadRefused) as refused:
        store(citizen, infected)
    assert refused.value.code == "infected"
    assert "EICAR" in refused.value.extra["signature"]
    assert_nothing_stored(settings.MEDIA_ROOT)
    # And a clean file passes the same real scanner.
    assert store(citizen, make_pdf()).pk


def test_unreachable_scanner_refuses_the_upload(citizen, settings):
    from documents.tests.helpers import free_port

    settings.VIRUS_SCANNER = "clamav"
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = "127.0.0.1", free_port()
    with pytest.raises(UploadRefused) as refused:
        store(citizen, make_pdf())
    assert refused.value.code == "scanner_unavailable"
    assert StoredDocument.objects.count() == 0


def test_delete_refused_while_a_submitted_dossier_uses_it(citizen):
    document = store(citizen, make_pdf())
    services.document_use_add(document=document, kind=UseKind.DOSSIER, reference="D-1")
    services.document_uses_lock(kind=UseKind.DOSSIER, reference="D-1")
    with pytest.raises(services.ApplicationError) as refused:
        services.document_delete(document=document, by=citizen)
    assert refused.value.code == "document_locked"
    assert "D-1" in refused.value.message
    assert StoredDocument.objects.filter(pk=document.pk).exists()
    services.document_uses_lock(kind=UseKind.DOSSIER, reference="D-1", locked=False)
    services.document_delete(document=document, by=citizen)
    assert not StoredDocument.objects.filter(pk=document.pk).exists()


def test_other_citizens_documents_are_invisible_to_selectors(citizen):
    from documents import selectors

    other = CitizenFactory()
    mine = store(citizen, make_pdf())
    store(other, make_pdf())
    assert list(selectors.document_list(user=citizen)) == [mine]
    with pytest.raises(StoredDocument.DoesNotExist):
        selectors.document_get(user=other, uuid=mine.uuid)
