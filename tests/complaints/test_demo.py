import pytest
from django.core.management import call_command

from complaints.models import AnswerTemplate, FaqEntry, Inquiry

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_inquiries_in_several_statuses_once(tmp_path, settings):
    settings.DEBUG = True
    with open(tmp_path / "out.txt", "w") as out:
        call_command("seed_demo", stdout=out)
        counts = (Inquiry.objects.count(), FaqEntry.objects.count(), AnswerTemplate.objects.count())
        call_command("seed_demo", stdout=out)

    assert (Inquiry.objects.count(), FaqEntry.objects.count(), AnswerTemplate.objects.count()) == counts
    assert counts == (9, 4, 3)
    assert set(Inquiry.objects.values_list("status", flat=True)) == {"new", "assigned", "answered", "out_of_scope"}
