"""The brief form of a weapon system, nested wherever another record names one."""
from rest_framework import serializers

from systems.models import System


class SystemBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="system-detail", lookup_field="slug")
    name = serializers.CharField(source="label", read_only=True, help_text="Designation, or the name of a generic entry.")
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="SIPRI armament category slug.")

    class Meta:
        model = System
        fields = ["id", "url", "slug", "name", "designation", "description", "category", "is_generic"]
