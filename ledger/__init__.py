"""What happened: the hash-chained audit trail and the event outbox, which every app writes."""
