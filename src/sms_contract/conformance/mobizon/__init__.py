"""Mobizon as a provider to check: its target, the request behind each result code's
situation, and the scenarios `sms-contract check --provider mobizon` runs."""
