"""Importers that load published datasets into deals, each record citing its release."""
