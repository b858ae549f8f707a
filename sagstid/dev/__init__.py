"""Development tools outside the measurement chain: demo database, cross-check, benchmark."""
