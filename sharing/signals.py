"""Sign-ins and failed sign-ins go into the audit trail.

Django's authentication framework announces these only as signals, so receivers are the
one place to hear them; everything else is audited by the verbs themselves.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from agencies.access import member_agencies
from ledger import audit
from ledger.models import AuditAction

User = get_user_model()


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="concord_audit_login")
def audit_login(sender, request, user, **kwargs):
    agencies = list(member_agencies(user)[:2])
    audit.record(
        AuditAction.LOGIN,
        actor=user,
        agency=agencies[0] if agencies else None,
        other_agency=agencies[1] if len(agencies) > 1 else None,
        ip_address=_ip(request),
    )


@receiver(user_login_failed, dispatch_uid="concord_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    agencies = list(member_agencies(user)[:2]) if user is not None else []
    audit.record(
        AuditAction.LOGIN_FAILED,
        actor=None,
        actor_label=username,
        agency=agencies[0] if agencies else None,
        detail={"username": username},
        ip_address=_ip(request),
    )
