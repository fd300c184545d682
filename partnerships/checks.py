"""System checks of the signing configuration (run by `check`, the deploy ones by `check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def signing_certificate_loads(app_configs=None, **kwargs):
    """A configured PKCS#12 must open with its password, or every countersigning would fail later."""
    if not (settings.CERTIFICATE_SIGNING and settings.CERTIFICATE_SIGNING_P12):
        return []
    from partnerships.signatures.identity import department_identity

    try:
        department_identity()
    except (OSError, ValueError) as error:
        return [
            Error(
                f"CERTIFICATE_SIGNING_P12: {error}", hint="Check CERTIFICATE_SIGNING_PASSWORD.", id="partnerships.E001"
            )
        ]
    return []


@register(Tags.security, deploy=True)
def signing_in_production(app_configs=None, **kwargs):
    warnings = []
    if not settings.CERTIFICATE_SIGNING:
        warnings.append(
            Warning(
                "CERTIFICATE_SIGNING is off: certificates are issued without the department's seal, "
                "and nobody can check a copy.",
                hint="Set CERTIFICATE_SIGNING_P12 and CERTIFICATE_SIGNING_PASSWORD to the department's certificate.",
                id="partnerships.W001",
            )
        )
    if not settings.SIGNATURE_TRUST_ROOTS:
        warnings.append(
            Warning(
                "SIGNATURE_TRUST_ROOTS is not set: agreements signed with an enterprise's digital certificate "
                "are refused.",
                hint="Point it at a PEM bundle of the national root CA and the licensed CAs.",
                id="partnerships.W002",
            )
        )
    return warnings
