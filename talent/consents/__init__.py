"""Guardians of pupils and their consents, with signed links for guardians without accounts."""
