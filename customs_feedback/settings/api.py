"""The REST API: Django REST framework defaults, throttle rates, JSON body limits, the OpenAPI schema."""

from __future__ import annotations

from customs_feedback.settings.environment import DEBUG, _read, env

THROTTLE_SIGNATURE_VERIFY = _read(env.str, "THROTTLE_SIGNATURE_VERIFY", default="30/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["customs_feedback.inputs.SafeJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "customs_feedback.negotiation.JsonFirstNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "customs_feedback.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_submit": _read(env.str, "THROTTLE_PUBLIC_SUBMIT", default="20/hour"),
        "api_client": _read(env.str, "THROTTLE_API_CLIENT", default="100000/hour"),
        "public_lookup": _read(env.str, "THROTTLE_PUBLIC_LOOKUP", default="120/hour"),
        "signature_verify": THROTTLE_SIGNATURE_VERIFY,
    },
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
API_KEY_CUSTOM_HEADER = "HTTP_AUTHORIZATION"
# JSON bodies (customs_feedback.inputs): 1000 declarations take about 250 kB; nothing needs 20 levels.
API_JSON_MAX_BYTES = _read(env.int, "API_JSON_MAX_BYTES", default=2 * 1024 * 1024)
API_JSON_MAX_DEPTH = 20

SPECTACULAR_SETTINGS = {
    "TITLE": "customs_feedback API",
    "DESCRIPTION": "Customs–Business partnership, service ratings and inquiries (Hai Phong Customs).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets share the field name "reason": a low score's reason and a rejection's reason.
    "ENUM_NAME_OVERRIDES": {
        "LowScoreReasonEnum": "ratings.models.LowScoreReason",
        "RejectionReasonEnum": "ratings.models.RejectionReason",
    },
    # Operations without an explicit tag are grouped by their first path segment after /api/v1/.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "TAGS": [
        {"name": "Partnerships", "description": "Signing the Customs–Business partnership agreement"},
        {"name": "Ratings", "description": "Declarations from the clearance feed, ratings, statistics"},
        {"name": "Inquiries", "description": "Questions about customs procedures and their answers"},
        {"name": "FAQ", "description": "Published questions and answers"},
        {"name": "Enterprise", "description": "The enterprise portal: sign-in, the company's declarations and ratings"},
    ],
}
