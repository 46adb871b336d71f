"""Production settings: the environment docs/deploy.md documents passes `check --deploy`, and no key means no start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables the settings read; each subprocess starts from none of them, so a developer's shell cannot leak in.
SETTINGS_VARIABLES = [
    "PRODUCTION",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "CACHE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "CORS_ALLOWED_ORIGINS",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STATIC_ROOT",
    "THROTTLE_ANON",
    "THROTTLE_USER",
    "DJANGO_SETTINGS_MODULE",
]


def production_environment(**overrides):
    """The production environment of docs/deploy.md, with a fresh key of the length Django asks for."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(
        {
            "PRODUCTION": "true",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "dealgraph.example.org",
            "DATABASE_URL": "postgres://dealgraph@db.example.org:5432/dealgraph",
            "CONN_MAX_AGE": "60",
            "CSRF_TRUSTED_ORIGINS": "https://dealgraph.example.org",
            "CORS_ALLOWED_ORIGINS": "https://dashboard.example.org",
            "BEHIND_TLS_PROXY": "true",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "THROTTLE_ANON": "120/minute",
            "THROTTLE_USER": "1200/minute",
        }
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_documented_production_environment_passes_check_deploy():
    env = production_environment()
    assert len(env["SECRET_KEY"]) >= 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_settings_hold_what_deploy_md_promises():
    """`check --deploy` looks at presence; this looks at the values, read from the settings the server would load."""
    probe = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS, s.CORS_ALLOWED_ORIGINS,"
        " s.STORAGES['staticfiles']['BACKEND'], s.CACHES['default']['BACKEND'], s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    result = manage("shell", "--no-imports", "-c", probe, env=production_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "False True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') ['dealgraph.example.org']"
        " ['https://dashboard.example.org'] whitenoise.storage.CompressedManifestStaticFilesStorage"
        " django.core.cache.backends.redis.RedisCache 60"
    )


def test_production_without_secret_key_refuses_to_start():
    result = manage("check", env=production_environment(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the SECRET_KEY environment variable" in result.stderr, result.stderr
