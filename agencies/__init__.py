"""Who: agencies, jurisdictions, configurable roles, memberships and partner API clients."""
