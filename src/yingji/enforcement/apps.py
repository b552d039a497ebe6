from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "yingji.enforcement"
    label = "enforcement"
    verbose_name = _("Supervision and enforcement")

    def ready(self) -> None:
        from yingji.core.demo import register_generator
        from yingji.core.modules import Module, register_module

        from . import demo, surfaces

        register_generator(demo, order=80)
        surfaces.register_all()
        from . import home

        home.register()
        register_module(Module("draws", _("Random inspections"), "shuffle", "draw_list", "enforcement.randomdraw"),
                        before="plans")
        register_module(Module("officers", _("Enforcement officers"), "person-vcard", "officer_list",
                               "enforcement.officer", also=("power_list",)), before="plans")
        # Documents and penalty cases.
        from . import demo_cases, tasks  # noqa: F401  (tasks registers the periodic jobs: case deadlines,
        # overdue campaign reports, supervision order escalation)

        # After the inspections (81): cleared first, so documents never outlive the inspections they cite.
        register_generator(demo_cases, order=82)
        register_module(Module("cases", _("Penalty cases"), "briefcase", "case_list", "enforcement.penaltycase"),
                        before="plans")
        # An enterprise account sees the module too: the documents served on it are listed there.
        register_module(Module("documents", _("Enforcement documents"), "file-earmark-text", "document_list",
                               "enforcement.enforcementdocument"), before="plans")
        # --- annual plan, campaigns and supervision orders ---
        from . import demo_plans

        register_generator(demo_plans, order=85)

        surfaces.register_plans()
        register_module(Module("inspection_plans", _("Inspection plans"), "calendar-check", "inspection_plan_list",
                               "enforcement.annualinspectionplan", also=("supervision_class_list", "plan_item_list")),
                        before="plans")
        register_module(Module("campaigns", _("Campaigns"), "flag", "campaign_list", "enforcement.campaign",
                               also=("campaign_task_list",)), before="plans")
        register_module(Module("supervision_orders", _("Supervision orders"), "clipboard-check",
                               "supervision_order_list", "enforcement.supervisionorder"), before="plans")

        # --- inspections ---
        from yingji.prevention import origins

        from . import demo_inspections, services

        register_generator(demo_inspections, order=81)
        surfaces.register_inspections()
        origins.register(services.hazard_origins)
        register_module(Module("inspections", _("Inspections"), "clipboard-check", "inspection_list",
                               "enforcement.inspection",
                               also=("inspection_create", "inspection_field_list", "inspection_field"),
                               enterprise_needs="enforcement.inspection"), before="plans")

        # --- statistics (issue 14 §7) ---
        # Guarded by the penalty case's grant: the staff who read every record the figures count (bureau and
        # townships; not grid members, not enterprises), the rule of ``services.statistics.may_view``.
        register_module(Module("enforcement_statistics", _("Enforcement statistics"), "bar-chart-line",
                               "enforcement_statistics", "enforcement.penaltycase"), before="plans")
