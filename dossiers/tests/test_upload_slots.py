"""Upload slots people understand (issue #25), over plain HTTP: the file's name, size, preview
and "Xóa"; the limit said before choosing; a chosen file sent with "Lưu và tiếp tục" rather
than dropped; errors that come back to their slot; a small, searchable data-store picker."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from documents.constants import DocumentSource
from documents.services import document_store
from dossiers.constants import ComponentSource, DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.tests.submission_helpers import PROCEDURE_CODE, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.citizen)
    return client


@pytest.fixture
def draft(signed_in):
    signed_in.post(reverse("dossiers:start", kwargs={"code": PROCEDURE_CODE}))
    return Dossier.objects.get(status=DossierStatus.DRAFT)


def documents_url(dossier, query=""):
    url = reverse("dossiers:step", kwargs={"uuid": dossier.uuid, "step": DraftStep.DOCUMENTS})
    return url + query


def first_slot(dossier):
    return dossier.components.exclude(source=ComponentSource.STATE_HOLDS).order_by("position")[0]


def a_pdf(name="to-khai.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("to khai"), "application/pdf")


def test_the_limit_is_said_before_choosing(signed_in, draft):
    page = signed_in.get(documents_url(draft)).content.decode()
    assert "PDF, JPG hoặc PNG, tối đa 10 MB mỗi tệp." in page
    assert 'data-max-bytes="10485760"' in page  # the browser checks it too (static/js/upload.js)
    assert "Bắt buộc, chưa có" in page


def test_a_slot_button_attaches_and_comes_back_to_the_slot_showing_the_file(signed_in, draft):
    slot = first_slot(draft)
    response = signed_in.post(
        documents_url(draft), {"slot": str(slot.uuid), f"c{slot.pk}-file": a_pdf()}
    )
    assert response["Location"] == documents_url(draft) + f"#slot-{slot.uuid}"
    slot.refresh_from_db()
    assert slot.document_uuid is not None
    page = signed_in.get(documents_url(draft)).content.decode()
    assert "to-khai.pdf" in page
    assert "Đã có" in page  # the required slot turned to done
    preview = reverse(
        "dossiers:component_download", kwargs={"uuid": draft.uuid, "component": slot.uuid}
    )
    assert f"{preview}?xem=1" in page
    assert f'name="clear" value="{slot.uuid}"' in page
    shown = signed_in.get(f"{preview}?xem=1")
    assert shown["Content-Disposition"].startswith("inline")


def test_a_chosen_file_is_sent_with_save_and_continue(signed_in, draft):
    slot = first_slot(draft)
    response = signed_in.post(documents_url(draft), {"action": "next", f"c{slot.pk}-file": a_pdf()})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.document_uuid is not None


def test_a_refused_file_with_the_slot_button_is_explained_in_the_slot(signed_in, draft):
    slot = first_slot(draft)
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00garbage", "application/pdf")
    response = signed_in.post(
        documents_url(draft), {"slot": str(slot.uuid), f"c{slot.pk}-file": bad}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Loại tệp không được chấp nhận" in page
    assert 'formaction="#slot-' in page  # the slot's buttons post back to the slot's anchor
    assert "documents-errors-title" not in page  # no summary at the top: focus goes to the slot


def test_a_refused_file_with_save_and_continue_is_listed_at_the_top(signed_in, draft):
    slot = first_slot(draft)
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00garbage", "application/pdf")
    response = signed_in.post(documents_url(draft), {"action": "next", f"c{slot.pk}-file": bad})
    page = response.content.decode()
    assert response.status_code == 400
    assert "documents-errors-title" in page
    assert f'href="#slot-{slot.uuid}"' in page
    draft.refresh_from_db()
    assert draft.draft_step != DraftStep.DELIVERY  # did not move on


def test_xoa_takes_the_file_off_and_returns_to_the_slot(signed_in, draft):
    slot = first_slot(draft)
    signed_in.post(documents_url(draft), {"slot": str(slot.uuid), f"c{slot.pk}-file": a_pdf()})
    response = signed_in.post(documents_url(draft), {"clear": str(slot.uuid)})
    assert response["Location"].endswith(f"#slot-{slot.uuid}")
    slot.refresh_from_db()
    assert slot.document_uuid is None


def test_the_picker_offers_own_fitting_documents_newest_first_and_searchable(
    signed_in, world, draft
):
    def stored(title, **kwargs):
        return document_store(
            data=pdf_bytes(title),
            title=title,
            source=kwargs.pop("source", DocumentSource.UPLOADED),
            owner_user=world.citizen,
            **kwargs,
        )

    stored("Hợp đồng thuê nhà cũ")
    newer = stored("Giấy xác nhận chỗ ở")
    stored("Tờ khai do hệ thống tạo", source=DocumentSource.GENERATED)
    expired = stored("Hợp đồng đã hết hạn")
    expired.valid_to = timezone.localdate() - dt.timedelta(days=1)
    expired.save(update_fields=["valid_to"])
    page = signed_in.get(documents_url(draft)).content.decode()
    assert "Tờ khai do hệ thống tạo" not in page
    assert "Hợp đồng đã hết hạn" not in page
    assert page.index("Giấy xác nhận chỗ ở") < page.index("Hợp đồng thuê nhà cũ")
    found = signed_in.get(documents_url(draft, "?tim-kho=hop dong")).content.decode()
    assert "Hợp đồng thuê nhà cũ" in found
    assert "Giấy xác nhận chỗ ở" not in found
    slot = first_slot(draft)
    signed_in.post(
        documents_url(draft), {"slot": str(slot.uuid), f"c{slot.pk}-document": str(newer.uuid)}
    )
    slot.refresh_from_db()
    assert slot.document_uuid == newer.uuid
    assert slot.source == ComponentSource.REUSED
