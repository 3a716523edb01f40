"""`Folded` (SQL) folds as `common.text.fold` (Python) does, letter for letter."""

from django.db.models import Value

import pytest

from agencies.models import Agency
from agencies.tests.factories import AgencyFactory
from common.search import _MARKED, Folded
from common.text import fold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["Võ Thị Én", "ĐẶNG VĂN ĐƯỢC", "Nguyễn Hữu Thịnh", _MARKED])
def test_sql_folding_matches_python(text):
    agency = AgencyFactory()  # any row: the expression reads only its argument
    row = Agency.objects.filter(pk=agency.pk).annotate(folded=Folded(Value(text)))
    assert row.values_list("folded", flat=True).get() == fold(text)
