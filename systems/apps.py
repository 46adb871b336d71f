from core import loading


class SystemsConfig(loading.RecordsConfig):
    name = "systems"
    verbose_name = "Weapon systems"
