from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from customs_feedback.core.health import FAILING, full_health_report
from customs_feedback.core.metrics import has_metrics_token, may_read_metrics, metrics_text
from customs_feedback.core.portal import public_figures
from customs_feedback.core.selectors import health_report


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 otherwise (for load balancers and compose).

    `?full=1` (staff or the metrics token): every component check, each ok / degraded / failing;
    503 only when a critical component (database, broker) fails.
    """
    if request.GET.get("full") not in (None, "", "0"):
        if not (has_metrics_token(request) or (request.user.is_active and request.user.is_staff)):
            return JsonResponse({"detail": _("The full health report is for staff or the metrics token.")}, status=403)
        report = full_health_report()
        return JsonResponse(report, status=503 if report["status"] == FAILING else 200)
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format, for METRICS_TOKEN holders and METRICS_ALLOWED_ADDRESSES only."""
    if not may_read_metrics(request):
        return JsonResponse({"detail": _("Metrics need the metrics token or an allowed address.")}, status=403)
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


@require_GET
def home(request):
    return render(request, "portal/home.html", {"public_figures": public_figures()})
