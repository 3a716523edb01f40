"""Files on S3 behave as on disk (issue 23): the data store with the bucket of a multi-node
deployment (django-storages' S3Storage, configured as portal/settings.py does with S3_BUCKET)
against moto's S3 in server mode, a real HTTP endpoint. Scanning and size limits refuse before
anything reaches the bucket; files are streamed back with the same private headers; deletion
removes the object only when the law allows it (never while a submitted dossier uses it)."""

from django.urls import reverse

import pytest

from common.exceptions import ApplicationError
from documents import services
from documents.constants import DocumentSource, UseKind
from documents.models import StoredDocument
from documents.responses import stored_file_response
from documents.tests.helpers import EICAR, make_pdf
from documents.uploads import UploadRefused
from tests.drill.cluster import BUCKET, S3_KEY, S3_SECRET, S3Endpoint


@pytest.fixture(scope="module")
def s3():
    endpoint = S3Endpoint().start()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def on_s3(settings, s3, tmp_path):
    """The settings portal/settings.py derives from S3_BUCKET and friends, on a fresh prefix.

    The network guard (tests/network_guard.py) stays on: `document_store` scans and puts the
    file before its transaction opens (ADR 0180), so no call to the bucket or clamd is let
    through."""
    for key in list(s3.keys()):
        s3.client().delete_object(Bucket=BUCKET, Key=key)
    settings.MEDIA_ROOT = tmp_path / "media-never-written"
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3.url
    settings.AWS_ACCESS_KEY_ID = S3_KEY
    settings.AWS_SECRET_ACCESS_KEY = S3_SECRET
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_MAX_MEMORY_SIZE = 16 * 1024 * 1024
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    return s3


def _store(user, data: bytes, **kwargs) -> StoredDocument:
    return services.document_store(
        data=data,
        title=kwargs.pop("title", "Giấy khai sinh"),
        source=DocumentSource.UPLOADED,
        owner_user=user,
        created_by=user,
        **kwargs,
    )


def test_a_stored_file_lands_in_the_bucket_and_never_on_disk(citizen, on_s3, settings):
    pdf = make_pdf()
    document = _store(citizen, pdf)
    assert on_s3.keys() == {document.file.name: len(pdf)}
    assert on_s3.read(document.file.name) == pdf
    assert not settings.MEDIA_ROOT.exists()


def test_the_scanner_refuses_before_anything_reaches_the_bucket(citizen, on_s3, settings, clamd):
    settings.VIRUS_SCANNER = "clamav"
    settings.CLAMAV_HOST, settings.CLAMAV_PORT = clamd
    infected = make_pdf() + b"\n%" + EICAR + b"\n"
    with pytest.raises(UploadRefused) as refused:
        _store(citizen, infected)
    assert refused.value.code == "infected"
    assert on_s3.keys() == {}
    assert StoredDocument.objects.count() == 0
    assert _store(citizen, make_pdf()).pk  # a clean file passes the same scanner


def test_the_size_limits_are_the_same(citizen, on_s3, settings):
    settings.DOCUMENTS_MAX_FILE_BYTES = 4096
    big = make_pdf() + b"%" + b"0" * 8192 + b"\n"
    with pytest.raises(UploadRefused) as refused:
        _store(citizen, big)
    assert refused.value.code == "too_large"
    settings.DOCUMENTS_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.DOCUMENTS_MAX_DOSSIER_BYTES = len(make_pdf()) + 10
    first = _store(citizen, make_pdf(), use=services.UseSpec(kind=UseKind.DOSSIER, reference="D-9"))
    with pytest.raises(UploadRefused) as refused:
        _store(
            citizen, make_pdf("Hai"), use=services.UseSpec(kind=UseKind.DOSSIER, reference="D-9")
        )
    assert refused.value.code == "dossier_too_large"
    assert list(on_s3.keys()) == [first.file.name]


def test_downloads_stream_from_the_bucket_with_the_private_headers(citizen_client, citizen, on_s3):
    pdf = make_pdf()
    document = _store(citizen, pdf)
    response = citizen_client.get(reverse("documents:download", kwargs={"uuid": document.uuid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == pdf
    # Streamed through the portal, never a redirect to the bucket: the bucket stays private.
    assert "Location" not in response
    inline = stored_file_response(document, filename="giay.pdf", inline=True)
    assert inline["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert b"".join(inline.streaming_content) == pdf


def test_the_bucket_refuses_anonymous_reads(citizen, on_s3):
    import urllib.error
    import urllib.request

    document = _store(citizen, make_pdf())
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{on_s3.url}/{BUCKET}/{document.file.name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403


def test_deletion_removes_the_object_only_when_allowed(
    citizen, on_s3, django_capture_on_commit_callbacks
):
    kept = _store(citizen, make_pdf("Nop"))
    services.document_use_add(document=kept, kind=UseKind.DOSSIER, reference="D-1", locked=True)
    with pytest.raises(ApplicationError) as refused:
        services.document_delete(document=kept, by=citizen)
    assert refused.value.code == "document_locked"
    assert kept.file.name in set(on_s3.keys())

    gone = _store(citizen, make_pdf("Xoa"))
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=gone, by=citizen)
    assert gone.file.name not in set(on_s3.keys())
    assert set(on_s3.keys()) == {kept.file.name}
