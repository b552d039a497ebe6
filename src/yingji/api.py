"""Assembles the API v1 routers: one NinjaAPI, one auth, one error shape."""

from ninja import NinjaAPI

from yingji.assessment.api import router as assessment_router
from yingji.core.api import router as core_router
from yingji.core.api_support import (
    ActiveSessionAuth,
    BearerTokenAuth,
    JSONRenderer,
    TextPolicyParser,
    install_error_handlers,
)
from yingji.disasters.api import router as disasters_router
from yingji.duty.api import router as duty_router
from yingji.enforcement.api import router as enforcement_router
from yingji.enterprises.api import router as enterprises_router
from yingji.governance.api import router as governance_router
from yingji.incidents.api import router as incidents_router
from yingji.monitoring.api import router as monitoring_router
from yingji.preparedness.api import router as preparedness_router
from yingji.preparedness.api_plans import coverage_router as plan_coverage_router
from yingji.prevention.api import router as prevention_router
from yingji.resources.api import router as resources_router
from yingji.statistics.api import router as statistics_router
from yingji.warnings.api import router as warnings_router

api = NinjaAPI(
    title="Yingji API",
    version="1",
    description="County emergency management platform. Authenticate with `Authorization: Bearer <token>` "
                "(`yingji token USERNAME` or POST /api/v1/me/tokens) or a browser session. Every 4xx answers "
                '`{"detail": ..., "errors": [{"field": ..., "message": ...}]}`.',
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), ActiveSessionAuth()],
    parser=TextPolicyParser(),
    renderer=JSONRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("", enterprises_router)
api.add_router("", prevention_router)
api.add_router("", duty_router)
api.add_router("", plan_coverage_router)  # before incidents: its /plans/{id} would take /plans/coverage
api.add_router("", incidents_router)
api.add_router("", resources_router)
api.add_router("", monitoring_router)
api.add_router("", warnings_router)
api.add_router("", enforcement_router)
api.add_router("", preparedness_router)
api.add_router("", disasters_router)
api.add_router("", statistics_router)
api.add_router("", governance_router)
api.add_router("", assessment_router)
