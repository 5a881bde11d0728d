import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_security_headers_on_pages(client, site_home):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_inline_script_in_the_shell(client, site_home):
    html = client.get("/en/").content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html


def test_admin_gets_its_own_policy(admin_client):
    response = admin_client.get("/admin/login/")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_check_deploy_is_clean_under_production_settings():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-0123456789abcdef",
        "ALLOWED_HOSTS": "km4b.example.org",
        "DATABASE_URL": "postgres://km4b:km4b@127.0.0.1:5432/km4b",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secrets():
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup()"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
