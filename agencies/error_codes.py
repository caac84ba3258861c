"""Stable error codes for the agencies services: the API, the pages and tests speak of
these, never of the sentences that explain them."""

from django.db import models


class AgencyErrorCode(models.TextChoices):
    AGENCY_EXISTS = "agency_exists"
    HIERARCHY_CYCLE = "hierarchy_cycle"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    JURISDICTION_EXISTS = "jurisdiction_exists"
    ROLE_EXISTS = "role_exists"
    ROLE_IN_USE = "role_in_use"
    ROLE_BUILTIN = "role_builtin"
    ROLE_OTHER_AGENCY = "role_other_agency"
    UNKNOWN_CAPABILITY = "unknown_capability"
    MEMBERSHIP_EXISTS = "membership_exists"
    LAST_ADMINISTRATOR = "last_administrator"
    SERVICE_ACCOUNT = "service_account"
    CLIENT_EXISTS = "client_exists"
    CLIENT_REVOKED = "client_revoked"
    INVALID_SCOPES = "invalid_scopes"
    EXPIRY_IN_PAST = "expiry_in_past"
    AGENCY_INACTIVE = "agency_inactive"
    NOT_ADMINISTRATOR = "not_administrator"
    NOT_PLATFORM_OPERATOR = "not_platform_operator"
