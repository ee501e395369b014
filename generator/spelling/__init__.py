"""Spelling and typography of everything the portal publishes, checked with Hunspell dictionaries."""
