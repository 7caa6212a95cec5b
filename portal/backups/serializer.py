"""Django's JSON fixture format, but datetimes and times keep their microseconds.

DjangoJSONEncoder shortens them to milliseconds, so a plain dumpdata/loaddata round trip changes every
timestamp (and can reorder rows created in the same millisecond). The files stay ordinary JSON fixtures:
loaddata reads them with the built-in "json" deserializer, which parses full ISO 8601.
"""

import datetime

from django.core.serializers.json import Deserializer  # noqa: F401 - a serializer module must offer one
from django.core.serializers.json import Serializer as JSONSerializer

FORMAT = "portal_exact_json"


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return super()._value_from_field(obj, field)
