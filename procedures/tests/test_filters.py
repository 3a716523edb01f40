import pytest

from agencies.constants import AgencyKind, AgencyLevel
from agencies.models import Agency
from procedures.constants import OnlineLevel
from procedures.models import AgencyNameMapping, Procedure
from procedures.selectors import CatalogueFilters, procedure_search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]


def codes(**filters) -> set[str]:
    return {p.code for p in procedure_search(filters=CatalogueFilters(**filters))}


def test_level():
    assert codes(level="province") == {"1.001258", "1.001200", "2.002338"}
    assert "1.014951" not in codes(level="commune")  # a ministry-level procedure


def test_field():
    birth = Procedure.objects.get(code="1.001193")
    assert "1.001193" in codes(field=birth.field.code)
    assert all(
        p.field_name == birth.field.name
        for p in procedure_search(filters=CatalogueFilters(field=birth.field.code))
    )


def test_online_level():
    Procedure.objects.filter(code="1.004222").update(online_level=OnlineLevel.FULL)
    assert codes(online="full") == {"1.004222"}
    assert "1.004222" not in codes(online="partial")


def test_applicant_type():
    assert "9.000001" in codes(applicant="cong-dan-viet-nam")
    assert codes(applicant="no-such-type") == set()


def test_free_or_not():
    free, paid = codes(free=True), codes(free=False)
    assert {"1.001258", "1.001200"} <= paid
    assert "1.001193" in free
    assert not free & paid


def test_agency_through_the_editable_mapping():
    department = Agency.objects.create(
        code="000.00.07.H59",
        name="Công an tỉnh Tây Ninh",
        kind=AgencyKind.VERTICAL,
        level=AgencyLevel.PROVINCE,
    )
    commune = Agency.objects.create(
        code="25456",
        name="Phường Tân Ninh",
        kind=AgencyKind.WARD,
        level=AgencyLevel.COMMUNE,
        commune_code="25456",
    )
    assert codes(agency=department.code) == set()
    AgencyNameMapping.objects.filter(source_name="Công an tỉnh").update(agency=department)
    assert codes(agency=department.code) == {"1.001200"}
    # "Công an cấp Xã" was mapped on import to every commune.
    assert {"1.004222", "1.003197"} <= codes(agency=commune.code)
    assert codes(agency="no-such-agency") == set()


def test_filters_combine_with_search():
    assert {
        p.code
        for p in procedure_search(filters=CatalogueFilters(q="giay thong hanh", level="province"))
    } == {"1.001258", "1.001200"}
