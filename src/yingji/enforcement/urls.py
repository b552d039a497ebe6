from django.urls import path

from yingji.core.generic import urls as surface_urls

from . import surfaces, views

urlpatterns = [
    *surface_urls(surfaces.ITEMS, "enforcement/powers/"),
    *surface_urls(surfaces.OFFICERS, "enforcement/officers/"),
    path("enforcement/officers/<int:pk>/training/", views.officer_training_add, name="officer_training_add"),
    path("enforcement/draws/new/", views.draw_create, name="draw_create"),
    *surface_urls(surfaces.DRAWS, "enforcement/draws/", bespoke_detail=views.draw_detail),
    path("public/draws/", views.public_draw_list, name="public_draw_list"),
    path("public/draws/<int:pk>/", views.public_draw_detail, name="public_draw_detail"),
    path("public/draws/<int:pk>/inputs.json", views.public_draw_inputs, name="public_draw_inputs"),
]

# --- documents and penalty cases -----------------------------------------------------------------------------------

from . import views_cases  # noqa: E402

urlpatterns += [
    *surface_urls(surfaces.DOCUMENTS, "enforcement/documents/"),
    path("enforcement/documents/<int:pk>/pdf/", views_cases.document_pdf, name="document_pdf"),
    *surface_urls(surfaces.CASES, "enforcement/cases/"),
    path("enforcement/cases/<int:pk>/act/<slug:action>/", views_cases.case_act, name="case_act"),
    path("enforcement/cases/<int:pk>/extend/", views_cases.case_extend, name="case_extend"),
    path("enforcement/cases/<int:pk>/publish/", views_cases.case_publish, name="case_publish"),
    path("public/penalties/", views_cases.public_penalty_list, name="public_penalty_list"),
    path("public/penalties/<int:pk>/", views_cases.public_penalty_detail, name="public_penalty_detail"),
]

# --- annual plan, campaigns and supervision orders -----------------------------------------------------------

from . import views_plans  # noqa: E402

urlpatterns += [
    *surface_urls(surfaces.CLASSES, "enforcement/classes/", create=False),
    path("enforcement/plans/new/", views_plans.plan_create, name="inspection_plan_create"),
    path("enforcement/plans/<int:pk>/act/<slug:action>/", views_plans.plan_act, name="inspection_plan_act"),
    *surface_urls(surfaces.PLANS, "enforcement/plans/", bespoke_detail=views_plans.plan_detail),
    *surface_urls(surfaces.PLAN_ITEMS, "enforcement/plan-items/"),
    path("enforcement/campaigns/<int:pk>/tasks/new/", views_plans.campaign_task_add, name="campaign_task_add"),
    *surface_urls(surfaces.CAMPAIGNS, "enforcement/campaigns/"),
    path("enforcement/campaign-tasks/<int:pk>/report/", views_plans.campaign_task_report,
         name="campaign_task_report"),
    *surface_urls(surfaces.TASKS, "enforcement/campaign-tasks/"),
    path("enforcement/orders/new/", views_plans.order_create, name="supervision_order_create"),
    path("enforcement/orders/<int:pk>/act/<slug:action>/", views_plans.order_act, name="supervision_order_act"),
    *surface_urls(surfaces.ORDERS, "enforcement/orders/"),
]

# --- inspections ---
from . import views_inspections  # noqa: E402

urlpatterns += [
    path("enforcement/inspections/new/", views_inspections.inspection_create, name="inspection_create"),
    *surface_urls(surfaces.INSPECTIONS, "enforcement/inspections/"),
    path("enforcement/inspections/<int:pk>/actions/<slug:action>/", views_inspections.inspection_act,
         name="inspection_act"),
    path("enforcement/inspections/<int:pk>/documents/", views_inspections.inspection_documents,
         name="inspection_documents"),
    path("enforcement/field/", views_inspections.inspection_field_list, name="inspection_field_list"),
    path("enforcement/field/sw.js", views_inspections.field_service_worker, name="inspection_field_sw"),
    path("enforcement/field/<int:pk>/", views_inspections.inspection_field, name="inspection_field"),
]

# --- statistics (issue 14 §7) ---
from . import views_statistics  # noqa: E402

urlpatterns += [
    path("enforcement/statistics/", views_statistics.enforcement_statistics, name="enforcement_statistics"),
]
