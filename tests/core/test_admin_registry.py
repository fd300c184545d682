"""Every ModelAdmin goes through the one scoping path, or is kept for the system administrator."""

import pytest
from django.contrib import admin

from customs_feedback.organization.admin_mixins import ScopedAdminMixin, SuperuserOnlyAdminMixin
from customs_feedback.organization.roles import Role
from customs_feedback.organization.scoping import is_scoped
from tests.factories import BranchFactory, staff_user

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _model_admin in REGISTERED]


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_registered_admin_is_scoped_or_superuser_only(model, model_admin):
    assert isinstance(model_admin, ScopedAdminMixin | SuperuserOnlyAdminMixin), (
        f"{model._meta.label}: its ModelAdmin must use ScopedModelAdmin (or SuperuserOnlyAdminMixin)"
    )
    if isinstance(model_admin, ScopedAdminMixin):
        assert is_scoped(model), f"{model._meta.label} is not registered in organization.scoping"


SUPERUSER_ONLY = [
    (model, model_admin) for model, model_admin in REGISTERED if isinstance(model_admin, SuperuserOnlyAdminMixin)
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), SUPERUSER_ONLY, ids=[model._meta.label for model, _admin in SUPERUSER_ONLY]
)
def test_system_administration_is_closed_to_every_role(client, model, model_admin):
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP, branch=BranchFactory()))
    opts = model._meta

    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 403
