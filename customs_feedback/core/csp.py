"""Content-Security-Policy: django-csp's middleware, with the header that no view changed built once per process."""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as UpstreamCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Set on a response by django-csp's view decorators (@csp_update, @csp_replace, @csp_exempt, …).
_VIEW_CHANGES = tuple(
    f"_csp_{change}{suffix}" for change in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


@cache
def _settings_headers() -> tuple[str, str] | None:
    """The policy and report-only headers of the settings alone; None when the settings exclude URL prefixes."""
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _forget_headers(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_headers.cache_clear()


class CSPMiddleware(UpstreamCSPMiddleware):
    """django-csp's middleware. The header of a response no view decorator changed, on a request that used no
    nonce, is the same every time: it is built once from the settings (building it was 5 % of a rating POST).
    Every other response goes through django-csp's own path, as does everything in DEBUG."""

    def process_response(self, request, response):
        headers = _settings_headers()
        if (
            headers is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _VIEW_CHANGES)
        ):
            return super().process_response(request, response)
        policy, report_only = headers
        if policy and HEADER not in response:
            response[HEADER] = policy
        if report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header was written is an error, not a silent no-op.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
