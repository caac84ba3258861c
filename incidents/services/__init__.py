"""The incident verbs: every write to an incident or what hangs off it."""
