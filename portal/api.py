"""The REST API (django-ninja): each app adds its router here; OpenAPI at /api/v1/openapi.json."""

from django.utils.translation import gettext_lazy as _

from ninja import NinjaAPI

api = NinjaAPI(
    title="Cổng Dịch vụ công tỉnh Tây Ninh API",
    version="1.0.0",
    description=str(_("API của Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Tây Ninh.")),
    urls_namespace="api",
)


@api.get("/ping", tags=["system"], summary="Liveness check")
def ping(request) -> dict:
    return {"ok": True}


api.add_router("/procedures", "procedures.api.router")
api.add_router("/documents", "documents.api.router")
api.add_router("/dossiers", "dossiers.api.router")
api.add_router("/lookup", "dossiers.api.lookup_router")
api.add_router("/helpdesk", "helpdesk.api.router")
# --- office ---
api.add_router("/office", "dossiers.office.api.router")
# --- end office ---
