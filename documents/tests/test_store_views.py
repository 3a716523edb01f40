"""The "Kho dữ liệu của tôi" pages, and 404 for everyone but the owner on every document URL."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.models import OrganisationRepresentative
from accounts.tests.factories import CitizenFactory, OrganisationFactory
from documents import services
from documents.constants import DocumentSource, UseKind
from documents.models import StoredDocument
from documents.tests.helpers import make_pdf

pytestmark = pytest.mark.django_db

DOCUMENT_URLS = ["detail", "download", "rename", "validity", "delete", "sign_remote"]


def stored(user=None, organisation=None, title="Giấy khai sinh", **kwargs):
    return services.document_store(
        data=make_pdf(),
        title=title,
        source=DocumentSource.UPLOADED,
        owner_user=user,
        owner_organisation=organisation,
        **kwargs,
    )


@pytest.fixture
def document(citizen):
    return stored(citizen)


@pytest.mark.parametrize("name", DOCUMENT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_citizen_and_anonymous_get_404_on_every_document_url(
    client, document, name, method, settings
):
    settings.REMOTE_SIGNING_ENABLED = True
    url = reverse(f"documents:{name}", kwargs={"uuid": document.uuid})
    response = getattr(client, method)(url)
    assert response.status_code in (404, 405)
    if response.status_code == 405:  # a GET on a POST-only URL: check the POST too
        assert client.post(url).status_code == 404
    client.force_login(CitizenFactory())
    response = getattr(client, method)(url, {"title": "x", "otp": "123456"})
    assert response.status_code in (404, 405)
    if response.status_code == 405:
        assert client.post(url, {"title": "x"}).status_code == 404
    document.refresh_from_db()
    assert document.title == "Giấy khai sinh"


def test_owner_downloads_with_safe_headers(citizen_client, citizen):
    document = stored(citizen, title='a";.html\r\nSet-Cookie: x=1')
    response = citizen_client.get(reverse("documents:download", kwargs={"uuid": document.uuid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "x=1" not in response.cookies
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_media_url_does_not_serve_the_file(citizen_client, document):
    assert citizen_client.get("/media/" + document.file.name).status_code == 404


def test_list_filters_and_search_without_accents(citizen_client, citizen):
    stored(citizen, title="Giấy khai sinh")
    stored(citizen, title="Sổ hộ khẩu", valid_to="2020-01-01")
    stored(CitizenFactory(), title="Giấy khai sinh của người khác")
    page = citizen_client.get(reverse("documents:list"), {"q": "khai sinh"}).content.decode()
    assert "Giấy khai sinh" in page
    assert "Sổ hộ khẩu" not in page
    assert "người khác" not in page
    expired = citizen_client.get(
        reverse("documents:list"), {"validity": "expired"}
    ).content.decode()
    assert "Sổ hộ khẩu" in expired
    assert "Giấy khai sinh" not in expired
    partial = citizen_client.get(
        reverse("documents:list"), {"q": "so ho"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="results"' in partial
    assert "<html" not in partial
    assert "Sổ hộ khẩu" in partial


def test_upload_through_the_page(citizen_client, citizen):
    response = citizen_client.post(
        reverse("documents:upload"),
        {
            "file": SimpleUploadedFile("cccd.pdf", make_pdf(), content_type="application/pdf"),
            "title": "Căn cước công dân",
            "valid_to": "31/12/2035",
        },
    )
    document = StoredDocument.objects.get(owner_user=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", kwargs={"uuid": document.uuid})
    assert document.title == "Căn cước công dân"
    assert str(document.valid_to) == "2035-12-31"


def test_refused_upload_shows_the_reason_and_keeps_what_was_typed(citizen_client):
    response = citizen_client.post(
        reverse("documents:upload"),
        {
            "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 300),
            "title": "Đơn đề nghị cấp phép",
            "summary": "Trích yếu đã gõ",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Loại tệp không được chấp nhận" in page
    assert 'value="Đơn đề nghị cấp phép"' in page
    assert "Trích yếu đã gõ" in page
    assert 'aria-describedby="id_file_helptext id_file_error"' in page or "id_file_error" in page
    assert StoredDocument.objects.count() == 0


def test_anonymous_is_sent_to_login_from_the_list(client):
    response = client.get(reverse("documents:list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_rename_and_validity(citizen_client, document):
    url = reverse("documents:rename", kwargs={"uuid": document.uuid})
    assert citizen_client.post(url, {"title": "Giấy khai sinh (bản sao)"}).status_code == 302
    validity = reverse("documents:validity", kwargs={"uuid": document.uuid})
    bad = citizen_client.post(validity, {"valid_from": "01/01/2030", "valid_to": "01/01/2020"})
    assert bad.status_code == 400
    assert "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực" in bad.content.decode()
    ok = citizen_client.post(validity, {"valid_from": "01/01/2020", "valid_to": "01/01/2030"})
    assert ok.status_code == 302
    document.refresh_from_db()
    assert document.title == "Giấy khai sinh (bản sao)"
    assert (str(document.valid_from), str(document.valid_to)) == ("2020-01-01", "2030-01-01")


def test_delete_refused_with_reason_while_used_by_submitted_dossier(citizen_client, document):
    services.document_use_add(
        document=document, kind=UseKind.DOSSIER, reference="H56.10.01-251128-0007", locked=True
    )
    detail = citizen_client.get(reverse("documents:detail", kwargs={"uuid": document.uuid}))
    assert "H56.10.01-251128-0007" in detail.content.decode()
    response = citizen_client.post(reverse("documents:delete", kwargs={"uuid": document.uuid}))
    assert response.status_code == 409
    assert "H56.10.01-251128-0007" in response.content.decode()
    assert StoredDocument.objects.filter(pk=document.pk).exists()


def test_delete_removes_row_and_file(citizen_client, document, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(reverse("documents:delete", kwargs={"uuid": document.uuid}))
    assert response.status_code == 302
    assert not StoredDocument.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(name)


def test_representative_sees_the_organisation_store_others_do_not(client, citizen):
    organisation = OrganisationFactory()
    OrganisationRepresentative.objects.create(organisation=organisation, user=citizen)
    document = stored(organisation=organisation, title="Giấy phép kinh doanh")
    client.force_login(citizen)
    page = client.get(reverse("documents:org_list", kwargs={"org_uuid": organisation.uuid}))
    assert "Giấy phép kinh doanh" in page.content.decode()
    assert (
        client.get(reverse("documents:download", kwargs={"uuid": document.uuid})).status_code == 200
    )
    client.force_login(CitizenFactory())
    assert (
        client.get(
            reverse("documents:org_list", kwargs={"org_uuid": organisation.uuid})
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("documents:detail", kwargs={"uuid": document.uuid})).status_code == 404
    )


def test_expired_representation_loses_access(client, citizen):
    import datetime as dt

    organisation = OrganisationFactory()
    OrganisationRepresentative.objects.create(
        organisation=organisation,
        user=citizen,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    document = stored(organisation=organisation)
    client.force_login(citizen)
    assert (
        client.get(reverse("documents:detail", kwargs={"uuid": document.uuid})).status_code == 404
    )


def test_admin_lists_metadata_read_only(client, document):
    from accounts.tests.factories import UserFactory, login_with_mfa

    admin = UserFactory(is_staff=True, is_superuser=True)
    login_with_mfa(client, admin)
    changelist = client.get("/admin/documents/storeddocument/")
    assert changelist.status_code == 200
    assert "Giấy khai sinh" in changelist.content.decode()
    change = client.get(f"/admin/documents/storeddocument/{document.pk}/change/")
    assert change.status_code == 200
    assert document.file.name not in change.content.decode()


def test_uploads_are_rate_limited(citizen_client, settings):
    settings.DOCUMENTS_UPLOAD_RATE_LIMIT = "2/10m"
    url = reverse("documents:upload")
    for _ in range(2):
        response = citizen_client.post(url, {"title": "x"})
        assert response.status_code == 400  # no file: a form error, but it counts
    limited = citizen_client.post(url, {"title": "x"})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    assert citizen_client.get(url).status_code == 200  # reading the form is not limited


def test_verification_is_rate_limited_per_ip(client, settings, db):
    settings.DOCUMENTS_VERIFY_RATE_LIMIT = "1/m"
    upload = SimpleUploadedFile("x.pdf", make_pdf(), content_type="application/pdf")
    assert client.post("/verify/", {"file": upload}).status_code == 200
    again = SimpleUploadedFile("x.pdf", make_pdf(), content_type="application/pdf")
    assert client.post("/api/v1/documents/verify", {"file": again}).status_code == 429


def test_rate_parsing():
    from documents.ratelimit import parse_rate

    assert parse_rate("30/10m") == (30, 600)
    assert parse_rate("20/m") == (20, 60)
    assert parse_rate("5/h") == (5, 3600)
    with pytest.raises(ValueError, match="bad rate"):
        parse_rate("lots")
