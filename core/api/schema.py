"""OpenAPI generation: what writes answer, and the error answers every operation can give."""

from drf_spectacular.openapi import AutoSchema

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
    "401": ("Error", "No valid credentials (send `Authorization: Token …`)."),
    "403": ("Error", "The user lacks the permission for this write."),
    "404": ("Error", "No such record, or not one the caller may see."),
    "409": ("InUseError", "Other records still reference this one (delete), or a concurrent write won the race."),
    "412": ("Error", "`If-Match` no longer matches: the record changed since it was read."),
    "428": ("Error", "`If-Match` is required for changes and deletes."),
    "429": ("Error", "Too many requests; retry after the `Retry-After` seconds."),
}


def responses_for(method: str, path: str) -> list[str]:
    codes = ["400", "429"]
    if "{" in path or method == "get":  # a list answers 404 for a page past its end
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes += ["401", "403"]
    if method in ("put", "patch", "delete"):
        codes += ["412", "428"]
    if method in ("post", "put", "patch", "delete"):
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
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(ERROR_SCHEMAS)
    for path, item in result["paths"].items():
        for method, operation in item.items():
            if method in ("put", "patch", "delete"):
                operation.setdefault("parameters", []).append(IF_MATCH)
            responses = operation.setdefault("responses", {})
            for code in responses_for(method, path):
                if code not in responses:
                    name, description = DESCRIPTIONS[code]
                    responses[code] = {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                    }
    return result


class CurationAutoSchema(AutoSchema):
    """Writes take the write serializer's body but answer with the record as a GET shows it."""

    def get_response_serializers(self):
        view = self.view
        if getattr(view, "action", None) in ("create", "update", "partial_update") and hasattr(
            view, "detail_serializer_class"
        ):
            return view.detail_serializer_class or view.serializer_class
        return super().get_response_serializers()
