"""Management commands for deals."""
