"""Django's JSON serialization, keeping microseconds: the stock encoder cuts times to milliseconds, so a backup
would not restore exactly what was saved. Registered as the `json` format in settings."""

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401 - the format module must offer both
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as DjangoJSONSerializer


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseJSONEncoder
