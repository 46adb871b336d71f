from django.apps import AppConfig


class CitationsConfig(AppConfig):
    """The citation resource: its endpoint, admin page and write rules. The Citation table belongs to `sources`,
    which every record app builds on; this app sits above them all, since showing and changing a citation needs
    the deal, actor or system it supports and the rule that a reviewed deal keeps its evidence."""

    name = "citations"
    verbose_name = "Citations"
