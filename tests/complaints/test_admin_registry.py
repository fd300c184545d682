"""Every admin of this app goes through the one scoping path (as tests/core checks for all apps on main)."""

import pytest
from django.contrib import admin

from customs_feedback.organization.admin_mixins import ScopedAdminMixin
from customs_feedback.organization.scoping import is_scoped

COMPLAINTS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "complaints"
    ),
    key=lambda item: item[0]._meta.label,
)


@pytest.mark.parametrize(("model", "model_admin"), COMPLAINTS, ids=[model._meta.label for model, _ in COMPLAINTS])
def test_every_inquiries_admin_is_scoped(model, model_admin):
    assert isinstance(model_admin, ScopedAdminMixin)
    assert is_scoped(model)
