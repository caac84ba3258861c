"""Who may see what, and how it reaches them (issue 5 onwards): markings, agreements,
grants, reading the audit trail through the policy, live updates and alert delivery.
The trail and the outbox themselves are `ledger`'s."""
