"""The staff back office for partnerships: the enterprise registry, agreement templates and agreements.

One module per concern; importing the package registers every admin (Django's autodiscover imports it)."""

from partnerships import member_admin  # noqa: F401 (registers the enterprise users' admin)
from partnerships.admin.agreement_templates import AgreementTemplateAdmin, AgreementTemplateForm
from partnerships.admin.agreements import (
    ActivatedMonthFilter,
    AgreementAdmin,
    AgreementEventInline,
    AgreementTextAcceptanceInline,
    CurrentTextAcceptedFilter,
    ReasonForm,
)
from partnerships.admin.enterprises import EnterpriseAdmin, EnterpriseAgreementInline, EnterpriseForm

__all__ = [
    "ActivatedMonthFilter",
    "AgreementAdmin",
    "AgreementEventInline",
    "AgreementTemplateAdmin",
    "AgreementTemplateForm",
    "AgreementTextAcceptanceInline",
    "CurrentTextAcceptedFilter",
    "EnterpriseAdmin",
    "EnterpriseAgreementInline",
    "EnterpriseForm",
    "ReasonForm",
]
