"""OpenAPI generation: who may call what, what writes answer, and the error answers every operation can give."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

from .fields import FirstItems, StrictSerializerMixin

ERROR_SCHEMAS = {
    "ValidationError": {
        "type": "object",
        "description": "Each key names the offending parameter or field; its value lists the problems "
        "(for a list field, one object per item, empty where the item was fine).",
        "additionalProperties": {},
    },
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "InUseError": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "referenced_by": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string"}, "id": {"type": "integer"}, "label": {"type": "string"}},
                },
            },
            "referenced_by_count": {"type": "integer"},
        },
        "required": ["detail"],
    },
}

DESCRIPTIONS = {
    "400": ("ValidationError", "A parameter or field is unknown or malformed; the body names it."),
    "401": (
        "Error",
        "No credentials for a write (send `Authorization: Token …`), or credentials that are not valid: "
        "an unknown, revoked or expired token is refused even where none is needed.",
    ),
    "403": ("Error", "The user lacks the permission for this write."),
    "404": ("Error", "No such record, or not one the caller may see."),
    "409": ("InUseError", "Other records still reference this one (delete), or a concurrent write won the race."),
    "412": ("Error", "`If-Match` no longer matches: the record changed since it was read."),
    "428": ("Error", "`If-Match` is required for changes and deletes."),
    "429": ("Error", "Too many requests; retry after the `Retry-After` seconds."),
}


def responses_for(method: str, path: str, guarded: bool, *, if_match: bool = False) -> list[str]:
    """The error codes an operation can answer; `guarded` views (the records) validate parameters and bodies,
    check model permissions and guard changes with If-Match."""
    codes = ["400", "429"] if guarded else ["429"]
    if "{" in path or (guarded and method == "get"):  # a list answers 404 for a page past its end
        codes.append("404")
    # A read needs no credentials, but bad ones are refused; a write is refused without the permission (or, with a
    # session, without its CSRF token).
    codes += ["401", "403"] if method in ("post", "put", "patch", "delete") else ["401"]
    if if_match:
        codes += ["412", "428"]
    if guarded and method in ("post", "put", "patch", "delete"):
        codes.append("409")
    return codes


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The `ETag` of your last GET of this record (or `*` to overwrite deliberately).",
}


def document_errors(result, generator, request, public):
    """The shapes of the error answers that CurationAutoSchema.get_operation refers to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    return result


class RefFieldSchema(OpenApiSerializerFieldExtension):
    """A reference by id, or by a slug or code where the field takes one; otherwise only digits."""

    target_class = "core.api.fields.RefField"

    def map_serializer_field(self, auto_schema, direction):
        text = (
            {"type": "string", "minLength": 1, "maxLength": 200}
            if self.target.text_lookups
            else {"type": "string", "pattern": "^[0-9]{1,18}$"}
        )
        return {"oneOf": [{"type": "integer"}, text]}


class CurationAutoSchema(AutoSchema):
    """Writes take the write serializer's body but answer with the record as a GET shows it. Reads that anyone
    may make say so (`{}` among their security requirements); every operation lists the errors it can answer."""

    def get_response_serializers(self):
        view = self.view
        if getattr(view, "action", None) in ("create", "update", "partial_update") and hasattr(
            view, "detail_serializer_class"
        ):
            return view.detail_serializer_class or view.serializer_class
        return super().get_response_serializers()

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        strict = isinstance(serializer, StrictSerializerMixin) or (
            isinstance(serializer, type) and issubclass(serializer, StrictSerializerMixin)
        )
        if direction == "request" and strict:
            schema["additionalProperties"] = False  # unknown body fields are a 400
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, FirstItems):
            schema["maxItems"] = field.limit
        return schema

    def map_parsers(self):
        # Bodies are documented as JSON only: the form parsers serve the browsable API, and form fields cannot
        # carry a null or the nested lists (aliases, citations, deliveries) that the write bodies take.
        return ["application/json"]

    def get_auth(self):
        auths = super().get_auth()
        public_reads = any(
            isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for permission in self.view.get_permissions()
        )
        if public_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        method = method.lower()
        guarded = hasattr(self.view, "check_if_match")
        # Actions that change the record they address (a deal's merge) are guarded like its PUT and DELETE.
        if_match = guarded and (
            method in ("put", "patch", "delete")
            or getattr(self.view, "action", None) in getattr(self.view, "if_match_actions", ())
        )
        if if_match:
            operation.setdefault("parameters", []).append(IF_MATCH)
        responses = operation.setdefault("responses", {})
        codes = responses_for(method, path, guarded, if_match=if_match)
        # A view outside the records that still refuses a bad parameter with a 400 naming it says so.
        if getattr(self.view, "refuses_bad_parameters", False) and "400" not in codes:
            codes.insert(0, "400")
        for code in codes:
            if code not in responses:
                name, description = DESCRIPTIONS[code]
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
        return operation
