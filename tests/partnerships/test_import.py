import io

import pytest
from django.core.management import CommandError, call_command

from partnerships.models import Agreement, AgreementEvent, AgreementStatus, Enterprise
from tests import factories
from tests.factories import BranchFactory, valid_tax_code

pytestmark = pytest.mark.django_db

HEADER = "tax_code,company_name,address,representative_name,email,signed_on,number,branch_code\n"


def write(tmp_path, rows: list[str], name="hop-tac-2020.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_agreements", str(path), "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_importing_creates_enterprises_and_agreements_in_force_with_events(tmp_path):
    BranchFactory(code="03CC")
    path = write(
        tmp_path,
        [
            "0100233488,Công ty CP Cảng Hải Phòng,Số 8A Trần Phú,Phạm Văn A,cang@example.vn,2020-05-12,1501,03CC",
            f"{valid_tax_code(1)},Công ty TNHH Thép Việt,,,,12/05/2020,,",
        ],
    )

    output = run(path)

    assert "created: 2, already present: 0, rejected: 0" in output
    first = Agreement.objects.get(number=1501)
    assert (first.status, first.source, first.enterprise.branch.code) == ("active", "import", "03CC")
    assert first.activated_at.date().isoformat() == "2020-05-12"
    assert Agreement.objects.exclude(pk=first.pk).get().number == 1502
    assert AgreementEvent.objects.filter(to_status=AgreementStatus.ACTIVE).count() == 2


def test_bad_rows_are_skipped_and_reported_with_their_line(tmp_path):
    path = write(
        tmp_path,
        [
            "0100233489,Sai số kiểm tra,,,,2020-05-12,,",
            "01002334,Sai độ dài,,,,2020-05-12,,",
            "0100233488,Công ty A,,,,2020-05-12,,",
            "0100233488,Công ty A lặp lại,,,,2020-05-13,,",
            f"{valid_tax_code(2)},Ngày sai,,,,12-2020,,",
        ],
    )

    output = run(path)

    assert "created: 1, already present: 0, rejected: 4" in output
    assert "line 2: tax code '0100233489': This tax code is not valid" in output
    assert "line 3: tax code '01002334': A tax code has 10 digits" in output
    assert "line 5: tax code 0100233488 duplicates line 4" in output
    assert "line 6: signed_on '12-2020' is not a date" in output
    assert Enterprise.objects.count() == 1


def test_importing_twice_changes_nothing_the_second_time(tmp_path):
    path = write(tmp_path, [f"{valid_tax_code(seed)},Công ty {seed},,,,2020-05-12,,03CC" for seed in range(30)])
    run(path, "--batch-size", "7")
    counts = (Enterprise.objects.count(), Agreement.objects.count(), AgreementEvent.objects.count())

    output = run(path, "--batch-size", "7")

    assert "created: 0, already present: 30, rejected: 0" in output
    assert (Enterprise.objects.count(), Agreement.objects.count(), AgreementEvent.objects.count()) == counts


@pytest.mark.usefixtures("agreement_text")
def test_an_enterprise_already_in_force_is_not_imported_again_and_numbers_do_not_collide(tmp_path, desk):
    agreement = factories.active(desk, tax_code="0100233488")
    path = write(
        tmp_path,
        ["0100233488,Công ty A,,,,2020-05-12,,", f"{valid_tax_code(3)},Công ty B,,,,2020-05-12,{agreement.number},"],
    )

    output = run(path)

    assert "created: 0, already present: 1, rejected: 1" in output
    assert f"number {agreement.number} is already used by another agreement" in output


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("mst,ten\n0100233488,A\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing column"):
        run(path)


def test_rejected_rows_can_be_written_to_a_file(tmp_path):
    path = write(tmp_path, ["0100233489,Sai,,,,2020-05-12,,"])
    rejects = tmp_path / "rejects.csv"

    run(path, "--rejects", str(rejects))

    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith("2,tax code '0100233489'")


def test_rows_with_control_characters_or_other_digits_are_rejected(tmp_path):
    path = write(
        tmp_path,
        [
            "0100233488,Công ty\x00 A,,,,2020-05-12,,",
            f"{valid_tax_code(3)},Công ty B,,,,2020-05-12,１５,",
            f"{valid_tax_code(4)},\u200b,,,,2020-05-12,,",
        ],
    )

    output = run(path)

    assert "created: 0, already present: 0, rejected: 3" in output
    assert "line 2: company_name: This text contains a control character" in output
    assert "line 3: number '１５' is not a positive whole number" in output
    assert "line 4: company_name: This text contains only invisible characters" in output
