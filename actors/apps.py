from core import loading


class ActorsConfig(loading.RecordsConfig):
    name = "actors"
    verbose_name = "Actors"
