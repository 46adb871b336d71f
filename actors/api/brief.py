"""How other records show an actor (its brief form) and name one in a write (a reference by id, slug or ISO code)."""

from rest_framework import serializers

from actors.models import Actor
from core.api.fields import RefField


class ActorBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="actor-detail", lookup_field="slug")

    class Meta:
        model = Actor
        fields = ["id", "url", "slug", "name", "kind", "iso2"]


def actor_ref(**kwargs) -> RefField:
    """A writable reference to an actor: its id, slug, or ISO alpha-2, alpha-3 or former code."""
    return RefField(
        noun="actor",
        queryset=Actor.objects.all(),
        text_lookups=(("slug", "lower"), ("iso2", "upper"), ("iso3", "upper"), ("iso_former", "upper")),
        **kwargs,
    )
