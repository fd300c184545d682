"""Writes of the ratings app, one module per concern; every public name is re-exported here so callers
import from `ratings.services` and never depend on the module layout."""

from customs_feedback.organization.selectors import branch_leader
from ratings.services.cases import (
    case_appeal,
    case_appeal_decide,
    case_conclude,
    case_explain,
    case_open,
    case_record_findings,
    cases_remind_overdue,
)
from ratings.services.company import RatingsRefused, rating_digests_send, ratings_submit_for_company
from ratings.services.declaration_rows import (
    DECLARATION_FIELDS,
    CleanDeclaration,
    _normalized_tax_code,
    clean_declaration_row,
    clean_declaration_values,
    code_errors,
)
from ratings.services.declarations import UpsertResult, declarations_upsert
from ratings.services.declarations_bulk import MAX_BATCH, ensure_enterprises
from ratings.services.invitations import (
    INVITATION_SALT,
    invitation_from_token,
    invitation_token,
    invitations_send,
    sampled,
)
from ratings.services.ratings import (
    AlreadyRated,
    RatingInput,
    clean_rating_input,
    rating_submit,
    rating_submit_by_invitation,
)
from ratings.services.verification import (
    case_reassign,
    rater_identity_viewed,
    rating_contest,
    rating_contest_decide,
    rating_reject,
    rating_verify,
)

__all__ = [
    "RatingsRefused",
    "rating_digests_send",
    "ratings_submit_for_company",
    "DECLARATION_FIELDS",
    "INVITATION_SALT",
    "MAX_BATCH",
    "AlreadyRated",
    "CleanDeclaration",
    "RatingInput",
    "UpsertResult",
    "_normalized_tax_code",
    "branch_leader",
    "case_appeal",
    "case_appeal_decide",
    "case_conclude",
    "case_explain",
    "case_reassign",
    "rater_identity_viewed",
    "rating_contest",
    "rating_contest_decide",
    "case_open",
    "case_record_findings",
    "cases_remind_overdue",
    "clean_declaration_row",
    "clean_declaration_values",
    "code_errors",
    "clean_rating_input",
    "declarations_upsert",
    "ensure_enterprises",
    "invitation_from_token",
    "invitation_token",
    "invitations_send",
    "rating_reject",
    "rating_submit",
    "rating_submit_by_invitation",
    "rating_verify",
    "sampled",
]
