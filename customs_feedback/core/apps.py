from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "customs_feedback.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        import customs_feedback.aggregates  # noqa: F401 (gives SQLite connections the MEDIAN aggregate)
        from customs_feedback.core.models import ConfigurationChange, Heartbeat
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role

        # The audit trail and system health are for department leadership (and superusers) only.
        scoping.register(ConfigurationChange)
        scoping.register(Heartbeat)
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "core.view_configurationchange", "core.view_heartbeat")

        # Every app's dashboard panels register themselves on import, once, like admin.py modules.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("dashboard")
        # Likewise their health checks and /metrics gauges (core/health.py, core/metrics.py).
        autodiscover_modules("monitoring")
