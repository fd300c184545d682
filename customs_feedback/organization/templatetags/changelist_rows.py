"""`{% changelist_results cl %}`: Django's `{% result_list cl %}`, with the rows of a RowLinkChangeList from its
`rows()` (customs_feedback.organization.changelist) and any other changelist's from Django."""

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from customs_feedback.organization.changelist import RowLinkChangeList

register = template.Library()


def changelist_results(cl) -> dict:
    rows = cl.rows() if isinstance(cl, RowLinkChangeList) else None
    if rows is None:
        return admin_list.result_list(cl)
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],  # an editable list's hidden keys; rows() leaves editable lists to Django
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
    }


@register.tag(name="changelist_results")
def changelist_results_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=changelist_results, template_name="change_list_results.html", takes_context=False
    )
