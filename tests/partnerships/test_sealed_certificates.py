import pytest
from django.core.files.storage import default_storage

from partnerships.signatures.identity import department_identity
from partnerships.signatures.validation import Verdict, check_signature
from tests.partnerships import factories, pki

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]


def test_smoke(desk):
    agreement = factories.active(desk)
    pdf = default_storage.open(agreement.certificate.name).read()
    identity = department_identity()
    check = check_signature(pdf, trust_roots=list(identity.roots))
    assert check.verdict == Verdict.VALID, check
    assert check.reference == agreement.reference
    changed = pki.change_one_byte_of_content(pdf)
    assert check_signature(changed, trust_roots=list(identity.roots)).verdict == Verdict.MODIFIED
    assert check_signature(pdf, trust_roots=[pki.new_ca().certificate]).verdict == Verdict.UNTRUSTED
