from django.apps import AppConfig


class ChangesConfig(AppConfig):
    """The changes feed: every resource's creates, updates and deletes, read from the history tables. It sits above
    every record app, since it reads all of their histories and the rules for who may see a deal."""

    name = "changes"
    verbose_name = "Changes feed"
