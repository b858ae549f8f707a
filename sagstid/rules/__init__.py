"""Rules: the working-day calendar and deadline arithmetic; pure, no display text."""
