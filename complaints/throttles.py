from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from customs_feedback.throttling import ResilientThrottleMixin


class PortalSubmitThrottle(ResilientThrottleMixin, SimpleRateThrottle):
    """Per-address limit on the portal form (a Django view, so DRF's scoped throttle does not apply)."""

    scope = "inquiry_portal"

    def get_rate(self) -> str:
        return settings.INQUIRY_PORTAL_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
