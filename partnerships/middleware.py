"""Puts the signed-in company user on the request (`request.enterprise_member`) for the portal's pages."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from customs_feedback.core.browser_middleware import api_key_paths
from partnerships.member_selectors import member_active

SESSION_KEY = "enterprise_member_id"


def member_of_request(request):
    """The company user of this browser session; never for a staff session (staff never act as a company)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    return member_active(member_id=request.session.get(SESSION_KEY))


class EnterpriseMemberMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Not on the API-key paths, as the session it reads from (customs_feedback.core.browser_middleware):
        # their views act for an API client, never a company user. The lazy object alone was 3 % of a rating POST.
        if request.path_info not in api_key_paths():
            request.enterprise_member = SimpleLazyObject(lambda: member_of_request(request))
        return self.get_response(request)
