from core import loading


class SourcesConfig(loading.RecordsConfig):
    name = "sources"
    verbose_name = "Sources and citations"
