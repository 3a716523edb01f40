"""The shared accessible form includes (templates/includes/form_*.html)."""

import re

from django import forms
from django.template.loader import render_to_string

import pytest


class SampleForm(forms.Form):
    name = forms.CharField(label="Họ và tên", help_text="Như trên căn cước.")
    agree = forms.BooleanField(label="Đồng ý")
    kind = forms.ChoiceField(label="Loại", choices=[("a", "A"), ("b", "B")])
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Lỗi chung của biểu mẫu.")


def render(form):
    return render_to_string("includes/form_fields.html", {"form": form})


def test_unbound_form_has_labels_and_bootstrap_classes():
    html = render(SampleForm())
    assert re.search(r'<label class="form-label" for="id_name">\s*Họ và tên', html)
    assert 'class="form-control"' in html
    assert 'class="form-check-input"' in html
    assert 'class="form-select"' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<div class="form-text" id="id_name_helptext">Như trên căn cước.</div>' in html
    assert 'type="hidden" name="secret"' in html
    assert "alert-danger" not in html


def test_errors_are_summarised_linked_and_tied_to_inputs():
    form = SampleForm(data={"name": "", "kind": "z"})
    form.is_valid()
    html = render(form)

    assert 'role="alert"' in html
    for field in ("name", "agree", "kind"):
        assert f'href="#id_{field}"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_error"' in html
    assert "is-invalid" in html


def test_non_field_errors_are_in_the_summary():
    form = SampleForm(data={"name": "Lan", "agree": "on", "kind": "a"})
    assert not form.is_valid()
    assert "<li>Lỗi chung của biểu mẫu.</li>" in render(form)


@pytest.mark.django_db
def test_allauth_pages_use_the_portal_layout(client):
    html = client.get("/accounts/password/reset/").content.decode()
    assert 'class="visually-hidden-focusable skip-link"' in html  # our base.html
    assert re.search(r"<title>\s*Đặt lại mật khẩu\s*· ", html)
    assert 'class="btn btn-primary' in html
