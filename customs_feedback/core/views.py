from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from customs_feedback.core.portal import public_figures
from customs_feedback.core.selectors import health_report


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 otherwise (for load balancers and compose)."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_GET
def home(request):
    return render(request, "portal/home.html", {"public_figures": public_figures()})
