"""Countersigning many agreements as a background job: each one activated and its certificate made by a worker."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.core.jobs import JobOutcome, job_kind
from customs_feedback.exceptions import DomainError
from customs_feedback.organization.scoping import for_user
from partnerships import services
from partnerships.models import Agreement

COUNTERSIGN = "partnerships.countersign"


@job_kind(COUNTERSIGN, gettext_lazy("Countersign agreements"))
def countersign_agreements(job, progress) -> JobOutcome:
    """Countersign each chosen agreement the requester may still decide on; list the ones that failed."""
    actor = get_user_model().objects.get(pk=job.requested_by_id)
    agreements = for_user(actor, Agreement.objects.filter(pk__in=job.params["agreement_ids"])).order_by("pk")
    done, problems = 0, []
    for index, agreement in enumerate(agreements.only("pk", "reference"), start=1):
        try:
            services.agreement_countersign(agreement_id=agreement.pk, actor=actor)
        except ValidationError as error:
            problems.append(f"{agreement.reference}: {' '.join(error.messages)}")
        except DomainError as error:
            problems.append(f"{agreement.reference}: {error.message}")
        else:
            done += 1
        progress(index)
    summary = _("%(count)d agreement(s) countersigned.") % {"count": done}
    if problems:
        summary += "\n" + _("Not countersigned:") + "\n" + "\n".join(problems)
    return JobOutcome(summary=summary)
