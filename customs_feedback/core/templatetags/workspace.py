from django import template

from customs_feedback.core.reporting import may_read_report as _may_read_report

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_report(context) -> bool:
    request = context.get("request")
    return request is not None and _may_read_report(request.user)
