"""The API's own bookkeeping; no domain data lives here."""

from django.db import models


class IdempotentRequest(models.Model):
    """A POST made with an `Idempotency-Key`, and the response it got.

    Kept for 24 hours per principal (`scope`): a retry with the same key and body gets
    this response again instead of acting twice; the same key with another body is
    refused. `fingerprint` is SHA-256 over the method, path and body.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
