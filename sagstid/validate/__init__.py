"""Validate: every source row gets a status and the first exclusion reason; pure."""
