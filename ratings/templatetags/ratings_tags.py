from django import template

register = template.Library()


@register.filter
def stars(value) -> str:
    """'4' -> '★★★★☆'."""
    try:
        count = max(0, min(5, int(value)))
    except (TypeError, ValueError):
        return ""
    return "★" * count + "☆" * (5 - count)
