"""How other records show a weapon system (its brief form) and name a system or a category in a write."""

from rest_framework import serializers

from core.api.fields import RefField
from systems.models import Category, System


class SystemBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="system-detail", lookup_field="slug")
    name = serializers.CharField(
        source="label", read_only=True, help_text="Designation, or the name of a generic entry."
    )
    category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="SIPRI armament category slug."
    )

    class Meta:
        model = System
        fields = ["id", "url", "slug", "name", "designation", "description", "category", "is_generic"]


def system_ref(**kwargs) -> RefField:
    return RefField(noun="system", queryset=System.objects.all(), **kwargs)


def category_ref(**kwargs) -> RefField:
    return RefField(noun="category", queryset=Category.objects.all(), **kwargs)


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]
