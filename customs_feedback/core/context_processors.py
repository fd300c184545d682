from django.conf import settings

from customs_feedback.core.portal import navigation


def portal(request):
    """What every portal page needs: the department's name and the menu."""
    return {"department_name": settings.DEPARTMENT_NAME, "portal_nav": navigation()}
