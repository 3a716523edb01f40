"""The filters of the catalogue (level, field, agency, online level, applicant, fee) as
conditions on the procedure row of the search statement."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from agencies.models import Agency
from procedures.constants import LEVEL_FIELDS, OnlineLevel, ProcedureLevel
from procedures.models import Procedure, ProcedureField
from procedures.search.statement import _Clauses


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    level: str = ""
    field: str = ""
    agency: str = ""
    online: str = ""
    applicant: str = ""
    free: bool | None = None


def _filter_clauses(filters: CatalogueFilters) -> _Clauses:
    """The filters as conditions on the procedure row `p`: columns of the row directly (the
    planner then combines them with the word index), the relations through a subquery.
    Raises EmptyResultSet when a filter can meet nothing (an agency that does not exist)."""
    where = _Clauses()
    if filters.level in LEVEL_FIELDS:
        where.add(f"p.{LEVEL_FIELDS[ProcedureLevel(filters.level)]}")
    if filters.online in OnlineLevel.values:
        where.add("p.online_level = %s", filters.online)
    if filters.field:
        fields = connection.ops.quote_name(ProcedureField._meta.db_table)
        in_field = f"p.field_id IN (SELECT id FROM {fields} WHERE code = %s)"  # noqa: S608
        where.add(in_field, filters.field)
    related = Procedure.objects.order_by()
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        related = related.filter(procedures_for_agency(agency)) if agency else related.none()
    if filters.applicant:
        related = related.filter(applicant_types__code=filters.applicant)
    if filters.free is True:
        related = related.exclude(channels__is_free=False).filter(channels__isnull=False)
    elif filters.free is False:
        related = related.filter(channels__is_free=False)
    if related.query.has_filters():
        sql, params = related.values("pk").query.sql_with_params()
        where.add(f"p.id IN ({sql})", *params)
    return where


def procedures_for_agency(agency: Agency) -> Q:
    """Procedures an agency performs: mapped to it by name, or to its whole level."""
    q = Q()
    for prefix in ("implementing_mapping", "competent_mapping"):
        q |= Q(**{f"{prefix}__agency": agency})
        q |= Q(**{f"{prefix}__agency__isnull": True, f"{prefix}__agency_level": agency.level})
    return q
