"""Product rules the apps read: partnerships and signatures, inquiries, ratings, the enterprise portal,
personal-data retention, staff exports. Their periodic jobs are in settings/celery.py."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from customs_feedback.config import ConfigurationError
from customs_feedback.settings.environment import DEBUG, VAR_DIR, _read, _read_flag, env

DEPARTMENT_NAME = _("Hai Phong Customs Department")

# --- Partnerships ---------------------------------------------------------------------------
# The emailed confirmation link of a signed agreement is single-use and expires after this many hours.
PARTNERSHIP_CONFIRM_LINK_HOURS = _read(env.int, "PARTNERSHIP_CONFIRM_LINK_HOURS", default=48)

# --- Signatures (issue 13): PAdES seal of certificates, enterprises' signed MoUs -------------------
# The department seals every certificate with the PKCS#12 below. Unset in the embedded default (debug,
# tests): a demo CA and seal are generated once under var/signing/ and marked as a demo wherever shown.
CERTIFICATE_SIGNING = _read_flag("CERTIFICATE_SIGNING", default=True)
CERTIFICATE_SIGNING_P12 = _read(env.str, "CERTIFICATE_SIGNING_P12", default="")
CERTIFICATE_SIGNING_PASSWORD = _read(env.str, "CERTIFICATE_SIGNING_PASSWORD", default="")
CERTIFICATE_SIGNING_DEMO_DIR = VAR_DIR / "signing"
CERTIFICATE_TSA_URL = _read(env.str, "CERTIFICATE_TSA_URL", default="")  # set: PAdES B-T, else B-B
# PEM bundle of the CAs trusted for enterprises' signatures (the national root and its licensed CAs).
SIGNATURE_TRUST_ROOTS = _read(env.str, "SIGNATURE_TRUST_ROOTS", default="")
if CERTIFICATE_SIGNING and not CERTIFICATE_SIGNING_P12 and not DEBUG:
    raise ConfigurationError(
        "CERTIFICATE_SIGNING_P12 is required when DJANGO_DEBUG is off (or set CERTIFICATE_SIGNING=off)"
    )
for _name, _path in (
    ("CERTIFICATE_SIGNING_P12", CERTIFICATE_SIGNING_P12),
    ("SIGNATURE_TRUST_ROOTS", SIGNATURE_TRUST_ROOTS),
):
    if _path and not Path(_path).is_file():
        raise ConfigurationError(f"{_name}: no such file: {_path}")
SIGNED_AGREEMENT_MAX_BYTES = 10 * 1024 * 1024

# --- Inquiries (complaints app) -------------------------------------------------------------
INQUIRY_MAX_ATTACHMENTS = 5
INQUIRY_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Every attachment is parsed whole as the type it claims (complaints/filetypes.py), within these bounds.
ATTACHMENT_MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel scan; larger "images" are decompression bombs
ATTACHMENT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a DOCX/XLSX unpacked
ATTACHMENT_MAX_COMPRESSION_RATIO = 100  # per ZIP entry; Office XML compresses about 10:1
# An answered inquiry nobody replies to is closed after this many days.
INQUIRY_QUIET_DAYS = _read(env.int, "INQUIRY_QUIET_DAYS", default=14)
# Overdue inquiries are escalated to the branch leader this many working days past the due date.
INQUIRY_ESCALATE_AFTER_DAYS = _read(env.int, "INQUIRY_ESCALATE_AFTER_DAYS", default=2)
INQUIRY_DUE_SOON_DAYS = 2
# The portal form's own per-address limit (the API uses the public_submit throttle).
# Inquiry categories and the working calendar are kept this many seconds in each process (customs_feedback/caching.py).
REFERENCE_CACHE_SECONDS = _read(env.int, "REFERENCE_CACHE_SECONDS", default=5)
INQUIRY_PORTAL_RATE = _read(env.str, "THROTTLE_INQUIRY_PORTAL", default="10/hour")

# --- Ratings (ratings app) ------------------------------------------------------------------
RATING_WINDOW_DAYS = _read(env.int, "RATING_WINDOW_DAYS", default=30)  # ratings accepted this long after clearance
RATING_MIN_SAMPLE = _read(env.int, "RATING_MIN_SAMPLE", default=5)  # an official's scores shown from this many
RATING_INVITATION_SAMPLE_RATE = _read(env.float, "RATING_INVITATION_SAMPLE_RATE", default=1.0)
RATING_INVITATION_MIN_INTERVAL_HOURS = _read(env.int, "RATING_INVITATION_MIN_INTERVAL_HOURS", default=24)
RATING_FOLLOWUP_WORKING_DAYS = _read(env.int, "RATING_FOLLOWUP_WORKING_DAYS", default=10)
RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS = _read(env.int, "RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS", default=3)
RATING_ROLLUP_REBUILD_DAYS = _read(env.int, "RATING_ROLLUP_REBUILD_DAYS", default=45)
# Trust loop (issue 11): deadlines in Vietnamese working days, ranking prior, gaming-pattern thresholds.
RATING_CONTEST_WORKING_DAYS = _read(env.int, "RATING_CONTEST_WORKING_DAYS", default=5)  # to contest a rejection
RATING_EXPLANATION_WORKING_DAYS = _read(env.int, "RATING_EXPLANATION_WORKING_DAYS", default=5)  # official's say
RATING_APPEAL_WORKING_DAYS = _read(env.int, "RATING_APPEAL_WORKING_DAYS", default=5)  # to appeal a conclusion
RATING_RANKING_PRIOR_WEIGHT = _read(env.int, "RATING_RANKING_PRIOR_WEIGHT", default=10)  # ratings' worth of mean
RATING_GAMING_REPEATED_LOW = 3  # low ratings of one official by one enterprise within RATING_GAMING_WINDOW_DAYS
RATING_GAMING_WINDOW_DAYS = 7
RATING_GAMING_SHARED_CONTACT_TOP = 3  # top scores to one official from enterprises sharing a contact, in 24 h
RATING_GAMING_CLIENT_SURGE_FACTOR = 5  # an API client's last hour above this many times its usual hourly rate
RATING_GAMING_CLIENT_SURGE_MIN = 20  # ... and at least this many ratings in that hour

# --- Enterprise portal (issue 12) -----------------------------------------------------------
ENTERPRISE_SIGN_IN_CODE_MINUTES = 10  # an emailed sign-in code works this long
ENTERPRISE_SIGN_IN_CODE_ATTEMPTS = 5  # wrong codes before the code is dead
# Sign-in requests (codes sent or verified) per hour, per email address and per tax code.
ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY = _read(env.int, "ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY", default=10)
ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY = _read(env.int, "ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY", default=30)
ENTERPRISE_SESSION_HOURS = 10  # a portal session or an API token lasts this long
ENTERPRISE_INVITATION_DAYS = 7

# --- Personal data retention (customs_feedback/core/privacy.py; each app's privacy.py) --------------
# Days after which personal data that is no longer needed is anonymised by the daily purge.
RETENTION_NETWORK_DAYS = _read(env.int, "RETENTION_NETWORK_DAYS", default=180)  # submitters' IPs, user agents
RETENTION_CLOSED_INQUIRY_DAYS = _read(env.int, "RETENTION_CLOSED_INQUIRY_DAYS", default=730)  # contact, files
RETENTION_UNCONFIRMED_SIGNING_DAYS = _read(env.int, "RETENTION_UNCONFIRMED_SIGNING_DAYS", default=30)
RETENTION_NOTIFICATION_BODY_DAYS = _read(env.int, "RETENTION_NOTIFICATION_BODY_DAYS", default=90)

# --- Staff workspace (issue 16) -------------------------------------------------------------
# A changelist export longer than this runs as a background job.
EXPORT_INLINE_MAX_ROWS = _read(env.int, "EXPORT_INLINE_MAX_ROWS", default=5000)
