import csv
import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from partnerships.models import Enterprise
from ratings.importing import _import_portable, declarations_import
from ratings.models import ApiClient, DailyRollup, Declaration
from ratings.services import declarations_upsert
from tests.factories import valid_tax_code

pytestmark = pytest.mark.django_db

HEADER = "number,tax_code,branch_code,team_code,official_code,registered_at,cleared_at\n"


def test_create_api_client_prints_a_working_key_once_and_stores_only_its_hash(api, official):
    out = io.StringIO()

    call_command(
        "create_api_client", "ECUS5 Thái Sơn", "--scopes", "declarations,ratings", stdout=out, stderr=io.StringIO()
    )

    key = out.getvalue().strip()
    client = ApiClient.objects.get()
    assert client.scopes == ["declarations", "ratings"]
    assert key not in client.hashed_key and key not in client.id
    assert ApiClient.objects.get_from_key(key) == client


def test_create_api_client_refuses_an_unknown_scope(db):
    with pytest.raises(CommandError, match="unknown scopes"):
        call_command("create_api_client", "x", "--scopes", "everything", stderr=io.StringIO())


def write_csv(tmp_path: Path, official, rows: list[str]) -> Path:
    path = tmp_path / "declarations.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def good(official, number: str, seed: int = 1, cleared: str = "2026-10-01T15:00:00+07:00") -> str:
    codes = f"{official.branch.code},{official.team.code},{official.code}"
    return f"{number},{valid_tax_code(seed)},{codes},2026-10-01T08:00:00+07:00,{cleared}"


@pytest.fixture
def csv_file(tmp_path, official):
    return write_csv(
        tmp_path,
        official,
        [
            good(official, "107000000001", 1),
            good(official, "107000000002", 2, cleared=""),
            "12345,0100233488,03CC,TTHQ,03CC-TTHQ-01,2026-10-01T08:00:00+07:00,",  # line 4: bad number
            good(official, "107000000003", 3).replace(official.code, "NOBODY"),  # line 5: unknown official
            good(official, "107000000001", 1, cleared="2026-10-02T09:00:00+07:00"),  # the same number again
        ],
    )


def check_import(result, created=2):
    assert result.created == created
    assert [line for line, _errors in result.rejected] == [4, 5]
    assert set(Declaration.objects.values_list("number", flat=True)) == {"107000000001", "107000000002"}
    assert Declaration.objects.get(number="107000000001").cleared_on.isoformat() == "2026-10-02"  # the last row won
    assert Enterprise.objects.filter(tax_code=valid_tax_code(2)).exists()
    assert {row.day.isoformat(): row.declarations for row in DailyRollup.objects.filter(declarations__gt=0)} == {
        "2026-10-02": 1
    }


def test_import_declarations_upserts_and_reports_rejected_rows(csv_file):
    out = io.StringIO()

    call_command("import_declarations", str(csv_file), "--no-progress", stdout=out)

    check_import(declarations_import(path=csv_file), created=0)  # run again: same outcome, all updates
    assert "2 rejected" in out.getvalue()
    assert "line 4: number: A customs declaration number has exactly 12 digits.\n" in out.getvalue()
    assert "line 5: official_code: Unknown official code NOBODY.\n" in out.getvalue()


def test_the_import_and_the_api_refuse_a_row_with_the_same_messages(tmp_path, official):
    bad_rows = [
        good(official, "107000000009", 9).replace(official.branch.code, "99ZZ", 1),
        good(official, "107000000010", 10).replace(official.team.code, "NOTEAM", 1),
        good(official, "107000000011", 11).replace("2026-10-01T08:00:00+07:00", "01/10/2026"),
        good(official, "107000000012", 12, cleared="2026-09-30T08:00:00+07:00"),
    ]
    path = write_csv(tmp_path, official, bad_rows)

    with translation.override("vi"):
        imported = declarations_import(path=path)
        with path.open(newline="", encoding="utf-8") as handle:
            through_the_api = declarations_upsert(rows=list(csv.DictReader(handle)), partial=True)

    assert [errors for _line, errors in imported.rejected] == [errors for _i, errors in through_the_api.rejected]
    assert [list(errors) for _line, errors in imported.rejected] == [
        ["branch_code"],
        ["team_code"],
        ["registered_at"],
        ["cleared_at"],
    ]
    assert imported.rejected[0][1]["branch_code"] == ["Không có chi cục mang mã 99ZZ."]


def test_the_portable_import_path_gives_the_same_result(csv_file):
    with csv_file.open(newline="", encoding="utf-8") as handle:
        result = _import_portable(handle, lambda _n: None, chunk_size=2)

    check_import(result)


def test_import_declarations_names_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("number,tax_code\n1,2\n", encoding="utf-8")

    with pytest.raises(CommandError, match="lacks the columns"):
        call_command("import_declarations", str(path), "--no-progress", stdout=io.StringIO())


def test_the_periodic_jobs_are_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"ratings.rollup_rebuild", "ratings.cases_overdue", "ratings.invitations_catch_up"} <= tasks


def test_the_invitation_catch_up_job_invites_what_was_missed(
    official, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    from ratings.tasks import invitations_catch_up
    from tests.factories import DeclarationFactory

    DeclarationFactory(official=official, enterprise=enterprise)  # cleared, but its invitation task was lost

    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_catch_up() == 1
        assert invitations_catch_up() == 0

    assert len(mailoutbox) == 1


def test_the_bulk_import_writes_every_column_of_a_declaration():
    from ratings.importing import COPY_COLUMNS

    columns = {field.column for field in Declaration._meta.concrete_fields if not field.primary_key}

    assert set(COPY_COLUMNS) == columns


def test_a_chunk_meeting_a_stored_number_goes_through_the_upsert(tmp_path, official, require_postgresql):
    """The COPY of a chunk meets a number stored already (by an earlier import, or by the API while this one
    runs): the chunk is rolled back to its savepoint and applied by the upsert, nothing lost, nothing counted
    twice, the rollup right."""
    path = write_csv(tmp_path, official, [good(official, "107000000001", 1), good(official, "107000000002", 2)])
    declarations_import(path=path)
    Declaration.objects.filter(number="107000000002").delete()
    path.write_text(
        HEADER
        + good(official, "107000000001", 1, cleared="2026-10-03T09:00:00+07:00")
        + "\n"
        + good(official, "107000000002", 2)
        + "\n",
        encoding="utf-8",
    )
    result = declarations_import(path=path)

    assert (result.created, result.updated, result.rejected) == (1, 1, [])
    assert Declaration.objects.get(number="107000000001").cleared_on.isoformat() == "2026-10-03"
    assert Declaration.objects.filter(number="107000000002").exists()
    assert {row.day.isoformat(): row.declarations for row in DailyRollup.objects.filter(declarations__gt=0)} == {
        "2026-10-01": 1,
        "2026-10-03": 1,
    }


def test_a_file_unreadable_half_way_stores_nothing_and_leaves_the_connection_usable(tmp_path, official, monkeypatch):
    from ratings import importing

    monkeypatch.setattr(importing, "_CHUNK", 10)  # COPYs are open by the time the bad line is decoded
    path = tmp_path / "declarations.csv"
    rows = [good(official, f"107{n:09d}", 1) for n in range(400)]  # more than one read of the decoder
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode("utf-8") + b"\xff\xfe,broken\n")

    with pytest.raises(UnicodeDecodeError):
        declarations_import(path=path)

    assert not Declaration.objects.exists()


def test_rows_sharing_codes_are_each_resolved_and_each_refused_with_their_line(tmp_path, official):
    """Codes resolve once per (branch, team, official) in an import: every row naming them still gets the answer."""
    rows = [good(official, f"10700000010{n}", n) for n in range(3)]
    rows.insert(1, good(official, "107000000201", 4).replace(official.code, "NOBODY"))
    rows.append(good(official, "107000000202", 5).replace(official.code, "NOBODY"))
    path = write_csv(tmp_path, official, rows)

    with translation.override("en"):
        result = declarations_import(path=path)

    assert result.created == 3
    unknown = {"official_code": ["Unknown official code NOBODY."]}
    assert result.rejected == [(3, unknown), (6, unknown)]
    assert Declaration.objects.filter(official=official).count() == 3


def test_columns_in_another_order_or_extra_columns_import_the_same(tmp_path, official):
    codes = f"{official.branch.code},{official.team.code},{official.code}"
    path = tmp_path / "declarations.csv"
    path.write_text(
        "cleared_at,registered_at,number,tax_code,branch_code,team_code,official_code,note\n"
        f"2026-10-01T15:00:00+07:00,2026-10-01T08:00:00+07:00,107000000301,{valid_tax_code(1)},{codes},x\n"
        f",2026-10-01T08:00:00+07:00,107000000302,{valid_tax_code(2)},{codes}\n"  # the last column left out
        f"2026-09-30T15:00:00+07:00,2026-10-01T08:00:00+07:00,107000000303,{valid_tax_code(3)},{codes},y\n",
        encoding="utf-8",
    )

    result = declarations_import(path=path)

    assert result.created == 2
    assert [(line, list(errors)) for line, errors in result.rejected] == [(4, ["cleared_at"])]
    assert Declaration.objects.get(number="107000000301").cleared_on.isoformat() == "2026-10-01"
    assert Declaration.objects.get(number="107000000302").cleared_at is None


def test_a_number_given_twice_keeps_its_last_row_also_when_one_row_needed_the_full_rules(tmp_path, official):
    """The column cleaning sends a padded row to the row-by-row rules; the rows still count in file order."""
    first = good(official, " 107000000501", 1, cleared="2026-10-01T15:00:00+07:00")  # padded: the full rules
    last = good(official, "107000000501", 1, cleared="2026-10-02T09:00:00+07:00")
    for rows, day in [([first, last], "2026-10-02"), ([last, first], "2026-10-01")]:
        Declaration.objects.all().delete()
        path = write_csv(tmp_path, official, [good(official, "107000000500", 2), *rows])

        result = declarations_import(path=path)

        assert (result.created, result.rejected) == (2, [])
        assert Declaration.objects.get(number="107000000501").cleared_on.isoformat() == day


def test_the_cyclic_collector_is_held_during_a_postgresql_import(tmp_path, official, monkeypatch, require_postgresql):
    import gc

    from ratings import csv_reading, importing

    seen = []
    clean = importing.clean_declaration_columns
    monkeypatch.setattr(
        importing, "clean_declaration_columns", lambda *a, **k: seen.append(gc.isenabled()) or clean(*a, **k)
    )
    monkeypatch.setattr(csv_reading, "_BLOCK_BYTES", 100)  # a block a row
    path = write_csv(tmp_path, official, [good(official, "107000000401", 1), good(official, "107000000402", 2)])

    declarations_import(path=path)

    assert seen == [False, False]
    assert gc.isenabled()


def test_the_cyclic_collector_is_given_back_as_it_was():
    import gc

    from ratings.importing import _cyclic_gc_paused

    with pytest.raises(RuntimeError), _cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with _cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off still has it off
    finally:
        gc.enable()


def test_a_crontab_job_is_the_crontab_celery_reads_and_pickles(settings):
    import pickle

    from celery.schedules import crontab, maybe_schedule

    from customs_feedback.celery import app

    schedule = maybe_schedule(settings.CELERY_BEAT_SCHEDULE["core-monthly-report"]["schedule"], app=app)

    assert schedule == crontab(minute=0, hour=7, day_of_month="1-3")
    assert type(pickle.loads(pickle.dumps(schedule))) is crontab  # noqa: S301 - beat's schedule file, our own bytes


def test_a_command_starts_without_celery_or_drf():
    """Commands such as import_declarations load the apps but neither Celery nor DRF (with requests and urllib3):
    a tenth of a second each of every start. The first task queued or API error answered imports them."""
    import subprocess
    import sys

    code = (
        "import sys, django; django.setup(); "
        "print(sorted({'celery', 'kombu', 'rest_framework.views', 'requests'} & set(sys.modules)))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "customs_feedback.settings", "DJANGO_DEBUG": "1"}
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert output.strip() == "[]"


def test_manage_py_holds_the_collector_for_the_start_up_only(tmp_path):
    """manage.py sets Django up with the cyclic collector held, then gives it back (the start-up's objects frozen
    out of its scans) before the command runs; also when the settings cannot load."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "customs_feedback.settings", "DJANGO_DEBUG": "1"}
    code = "import gc; print(gc.isenabled(), gc.get_freeze_count() > 1000)"
    shell = [sys.executable, str(root / "manage.py"), "shell", "-c", code]
    output = subprocess.run(shell, env=env, cwd=root, capture_output=True, text=True, check=True).stdout

    assert output.split()[-2:] == ["True", "True"]
    script = tmp_path / "run.py"
    script.write_text(
        "import gc, runpy, sys\n"
        f"sys.path.insert(0, {str(root)!r}); sys.argv = [{str(root / 'manage.py')!r}, 'help']\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as exit:\n    print(exit)\nprint('collector', gc.isenabled())\n"
    )
    broken = {**env, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}  # a configuration error before the set-up
    result = subprocess.run([sys.executable, str(script)], env=broken, cwd=root, capture_output=True, text=True)
    assert result.stdout.splitlines() == [
        "configuration error: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off",
        "collector True",
    ]


def test_ensuring_enterprises_reads_back_only_the_codes_stored_before(require_postgresql, django_assert_num_queries):
    from ratings.services.declarations_bulk import ensure_enterprises
    from tests.factories import EnterpriseFactory

    stored = EnterpriseFactory(tax_code=valid_tax_code(500))
    new_codes = {valid_tax_code(501), valid_tax_code(502)}

    with django_assert_num_queries(1):  # all new: the INSERT's RETURNING gives every id
        created = ensure_enterprises(new_codes)
    with django_assert_num_queries(2):
        mixed = ensure_enterprises({stored.tax_code, valid_tax_code(503), *new_codes})

    assert created == dict(Enterprise.objects.filter(tax_code__in=new_codes).values_list("tax_code", "pk"))
    assert mixed == {**created, stored.tax_code: stored.pk, valid_tax_code(503): mixed[valid_tax_code(503)]}
    assert Enterprise.objects.get(pk=mixed[valid_tax_code(503)]).tax_code == valid_tax_code(503)
