from django import template

from customs_feedback.core.dashboard import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context):
    request = context.get("request")
    return panels_for(request) if request is not None else []
