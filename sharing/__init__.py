"""Who may see what, and how it reaches them (issue 5 onwards): markings, agreements,
grants, audit trail, event outbox, live updates and alert delivery."""
