"""Agency pickers (issue #20): grouped by level, sorted as a Vietnamese reader sorts, and marked
for the filter box; the helpdesk transfer uses the same picker and still validates by uuid."""

import pytest

from agencies.pickers import agency_choices_by_level
from agencies.tests.factories import AgencyFactory, CommuneFactory
from helpdesk.forms import AssignForm

pytestmark = pytest.mark.django_db


def test_agencies_are_grouped_by_level_and_sorted_with_accents_folded():
    names = ["Sở Y tế", "Đài Phát thanh", "Sở Tư pháp", "Ban Quản lý khu kinh tế"]
    agencies = [AgencyFactory(name=n) for n in names]
    commune = CommuneFactory(name="Ủy ban nhân dân xã An Bình")
    groups = agency_choices_by_level([commune, *agencies])
    assert groups[0] == ("", "—")
    province, communes = groups[1], groups[2]
    assert province[0] == "Cấp tỉnh"
    assert [name for _uuid, name in province[1]] == [
        "Ban Quản lý khu kinh tế",
        "Đài Phát thanh",  # "Đ" folds to "d": between B and S, not after Z
        "Sở Tư pháp",
        "Sở Y tế",
    ]
    assert communes == ("Cấp xã", [(str(commune.uuid), commune.name)])


def test_the_helpdesk_transfer_picker_is_grouped_filterable_and_validates(client):
    target = AgencyFactory(name="Sở Tư pháp tỉnh Tây Ninh")
    CommuneFactory(name="Ủy ban nhân dân phường Tân Ninh")
    html = str(AssignForm()["agency"])
    assert 'data-filter-label="Lọc danh sách cơ quan: gõ một phần tên' in html
    assert '<optgroup label="Cấp tỉnh">' in html
    assert '<optgroup label="Cấp xã">' in html
    form = AssignForm(data={"agency": str(target.uuid), "note": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agency"] == target
