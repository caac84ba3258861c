"""Stable error codes of the sharing layer."""

from django.db import models


class SharingErrorCode(models.TextChoices):
    AGREEMENT_MISSING = "agreement_missing"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_SHARED = "already_shared"
    ALREADY_SUSPENDED = "already_suspended"
    BREAK_GLASS_NEEDS_JUSTIFICATION = "break_glass_needs_justification"
    GRANT_NOT_FOUND = "grant_not_found"
    INVALID_MARKING = "invalid_marking"
    INVALID_PERIOD = "invalid_period"
    NOT_A_PARTY = "not_a_party"
    NOT_AWAITING_ACCEPTANCE = "not_awaiting_acceptance"
    NOT_PERMITTED = "not_permitted"
    RED_NEEDS_NAMED_PEOPLE = "red_needs_named_people"
    REASON_REQUIRED = "reason_required"
    ROLE_NOT_IN_AGENCY = "role_not_in_agency"
    TOO_FEW_PARTIES = "too_few_parties"
    NOT_A_PERSON = "not_a_person"
    LEAD_SHARE = "lead_share"
    SHARE_OF_PARTICIPANT = "share_of_participant"
