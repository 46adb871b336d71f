"""Management commands for deals: the dataset importers."""
