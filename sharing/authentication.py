"""Bearer-token authentication that writes token use into the audit trail."""

from agencies.authentication import BearerTokenAuthentication
from ledger import audit
from ledger.models import AuditAction


class AuditedBearerTokenAuthentication(BearerTokenAuthentication):
    """Records a client's use at most once a minute, as `last_used_at` is kept."""

    def client_used(self, request, client) -> None:
        audit.record(
            AuditAction.TOKEN_USED,
            actor=client.account,
            agency=client.agency,
            target=client,
            target_label=client.name,
            detail={"method": request.method, "path": request.path[:200]},
            ip_address=request.META.get("REMOTE_ADDR"),
        )
