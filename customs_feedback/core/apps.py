from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "customs_feedback.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from customs_feedback.core.models import ConfigurationChange, Heartbeat
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role

        # The audit trail and system health are for department leadership (and superusers) only.
        scoping.register(ConfigurationChange)
        scoping.register(Heartbeat)
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "core.view_configurationchange", "core.view_heartbeat")
        # The working calendar decides every deadline: department leadership keeps it.
        from customs_feedback.core.models import CalendarDay

        scoping.register(CalendarDay)
        verbs = ("view", "add", "change", "delete")
        roles.grant(Role.DEPARTMENT_LEADERSHIP, *(f"core.{verb}_calendarday" for verb in verbs))

        # Every app's dashboard panels register themselves on import, once, like admin.py modules.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("dashboard")
        # Likewise their health checks and /metrics gauges (core/health.py, core/metrics.py).
        autodiscover_modules("monitoring")
        # And what personal data they hold, how long they keep it, how to export it (core/privacy.py).
        autodiscover_modules("privacy")
        from customs_feedback.core.models import RetentionRun

        scoping.register(RetentionRun)
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "core.view_retentionrun")
        # …and so do their sections of the results report and their kinds of admin search result.
        autodiscover_modules("report")
        autodiscover_modules("search")
        autodiscover_modules("jobs")
        from django.db.backends.signals import connection_created

        from customs_feedback.core import exports  # noqa: F401  (registers the export job)
        from customs_feedback.core.search import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="core.register_sqlite_fold")
