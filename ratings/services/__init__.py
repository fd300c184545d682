"""Writes of the ratings app, one module per concern; every public name is re-exported here so callers
import from `ratings.services` and never depend on the module layout."""

from ratings.services.cases import (
    branch_leader,
    case_close,
    case_open,
    case_record_findings,
    cases_remind_overdue,
)
from ratings.services.company import RatingsRefused, rating_digests_send, ratings_submit_for_company
from ratings.services.declarations import (
    DECLARATION_FIELDS,
    CleanDeclaration,
    UpsertResult,
    _normalized_tax_code,
    clean_declaration_row,
    declarations_upsert,
    local_day,
)
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
    rating_reject,
    rating_submit,
    rating_submit_by_invitation,
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
    "case_close",
    "case_open",
    "case_record_findings",
    "cases_remind_overdue",
    "clean_declaration_row",
    "clean_rating_input",
    "declarations_upsert",
    "ensure_enterprises",
    "invitation_from_token",
    "invitation_token",
    "invitations_send",
    "local_day",
    "rating_reject",
    "rating_submit",
    "rating_submit_by_invitation",
    "rating_verify",
    "sampled",
]
