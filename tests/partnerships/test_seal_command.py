import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from partnerships.models import Agreement
from partnerships.verification import document_verify
from tests.factories import valid_tax_code

pytestmark = pytest.mark.django_db


def seal(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seal_certificates", "--batch-size", "2", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imported_agreements_get_sealed_certificates_in_batches_and_a_rerun_changes_nothing(tmp_path):
    csv = tmp_path / "hop-tac-2020.csv"
    rows = [f"{valid_tax_code(900 + i)},Công ty TNHH Lịch sử {i},2020-05-1{i},{1500 + i}" for i in range(3)]
    csv.write_text("tax_code,company_name,signed_on,number\n" + "\n".join(rows) + "\n", encoding="utf-8")
    call_command("import_agreements", str(csv), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Agreement.objects.exclude(certificate_seal_fingerprint="").exists()

    output, progress = seal()

    assert "sealed: 3 certificates with DEMO" in output
    assert "seal_certificates: 100%" in progress and "3/3" in progress
    for agreement in Agreement.objects.all():
        verdict = document_verify(pdf=default_storage.open(agreement.certificate.name).read())
        assert (verdict.signature, verdict.reference, verdict.in_force) == ("valid", agreement.reference, True)
    assert seal("--no-progress")[0].startswith("sealed: 0 certificates")
