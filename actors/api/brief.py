"""The brief form of an actor, nested wherever another record names one."""
from rest_framework import serializers

from actors.models import Actor


class ActorBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="actor-detail", lookup_field="slug")

    class Meta:
        model = Actor
        fields = ["id", "url", "slug", "name", "kind", "iso2"]
