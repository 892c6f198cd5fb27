"""Glue to the tools users already run: the pytest plugin and schemathesis."""
