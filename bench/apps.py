"""Benchmark tooling as a Django app, so `manage.py generate_deals` can fill a benchmark database."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmark tooling"
