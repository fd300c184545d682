"""Puts the signed-in company user on the request (`request.enterprise_member`) for the portal's pages."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

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
        request.enterprise_member = SimpleLazyObject(lambda: member_of_request(request))
        return self.get_response(request)
