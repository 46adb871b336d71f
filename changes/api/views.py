"""The changes feed endpoint: what changed since a client's cursor, for keeping a mirror."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from changes import selectors
from core.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parse_page_size
from core.api.representations.links import links_for

from . import cursor

KNOWN = {cursor.PARAM, "page_size", "format"}
TYPES = sorted({branch.type for branch in selectors.BRANCHES})

CHANGES_PAGE = inline_serializer(
    "ChangesPage",
    {
        "results": inline_serializer(
            "Change",
            many=True,
            fields={
                "type": serializers.ChoiceField(choices=TYPES, help_text="The resource changed."),
                "id": serializers.IntegerField(help_text="The record's `id`, which never changes."),
                "url": serializers.URLField(
                    help_text="The record's detail URL, as it was at the change (for a delete, the URL it had)."
                ),
                "action": serializers.ChoiceField(
                    choices=[selectors.CREATE, selectors.UPDATE, selectors.DELETE],
                    help_text="What happened to the record, as the caller sees it: a deal unpublished is a "
                    "`delete` to a caller who cannot see drafts.",
                ),
                "time": serializers.DateTimeField(help_text="When the change was written (UTC)."),
            },
        ),
        "next": serializers.URLField(
            allow_null=True, help_text="The next page, while there are more changes now; null once caught up."
        ),
        "cursor": serializers.CharField(
            help_text="Pass as `since` on the next poll to get only later changes; opaque."
        ),
    },
)


class ChangesView(APIView):
    """Every create, update and delete of every resource the caller may see, in the order written."""

    refuses_bad_parameters = True  # core/api/schema.py documents the 400

    @extend_schema(
        operation_id="changes_list",
        summary="Changes since a cursor, for keeping a mirror",
        description=(
            "Every create, update and delete of actors, systems, deals, sources and citations, oldest first. "
            "A change to a record a resource embeds (an actor's or a system's alias, a deal's delivery or "
            "citation) is also an `update` of that resource. Store `cursor` and pass it as `since` next time. "
            "Changes newer than a few seconds (CHANGES_SETTLE_SECONDS) wait for the next poll."
        ),
        parameters=[
            OpenApiParameter(
                cursor.PARAM,
                str,
                description="The `cursor` of an earlier response; leave it out (or empty) to start from the "
                "beginning of the history. A value the API did not issue is a 400.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=f"Changes per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
            ),
        ],
        responses=CHANGES_PAGE,
        filters=False,
    )
    def get(self, request, *args, **kwargs):
        unknown = sorted(set(request.query_params) - KNOWN)
        if unknown:
            raise exceptions.ValidationError(
                {
                    name[:60]: [f"Unknown query parameter. Known parameters: {cursor.PARAM}, page_size."]
                    for name in unknown[:10]
                }
            )
        repeated = [name for name in sorted(KNOWN) if len(request.query_params.getlist(name)) > 1]
        if repeated:
            raise exceptions.ValidationError({name: ["Give this parameter once."] for name in repeated})
        size = parse_page_size(request, "page_size")
        since = request.query_params.get(cursor.PARAM)
        position = cursor.decode(since)
        changes = selectors.changes_after(request.user, position, limit=size + 1)
        page = changes[:size]
        links = links_for(request, kwargs.get("format"))
        time = serializers.DateTimeField()
        results = [
            {
                "type": change.type,
                "id": change.id,
                "url": links.template(f"{change.type}-detail", selectors.URL_KEYWORDS[change.type])(change.key),
                "action": change.action,
                "time": time.to_representation(change.position.time),
            }
            for change in page
        ]
        resume = cursor.encode(page[-1].position) if page else (since or cursor.encode(position))
        following = None
        if len(changes) > size:
            following = replace_query_param(request.build_absolute_uri(), cursor.PARAM, resume)
        return Response({"results": results, "next": following, "cursor": resume})
