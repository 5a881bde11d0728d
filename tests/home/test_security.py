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


def test_the_policy_built_once_is_each_kind_of_paths_own(client, admin_client, site_home):
    """home.middleware.SiteCSPMiddleware builds the policy once per kind of path: a public page after an
    admin page (and the reverse) still gets its own, and a response that sets its own policy or uses a
    nonce goes through django-csp."""
    from csp.decorators import csp_update
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from home.middleware import SiteCSPMiddleware

    public = client.get("/en/")["Content-Security-Policy"]
    admin = admin_client.get("/admin/login/")["Content-Security-Policy"]
    assert client.get("/en/")["Content-Security-Policy"] == public
    assert admin_client.get("/admin/login/")["Content-Security-Policy"] == admin != public
    assert "frame-ancestors 'none'" in public and "unsafe-inline" not in public

    @csp_update({"img-src": "https://tiles.example.org"})
    def own_policy(request):
        return HttpResponse("own")

    def with_nonce(request):
        return HttpResponse(f"nonce {request.csp_nonce}")

    def policy_of(middleware_class, view):
        request = RequestFactory().get("/en/elsewhere/")
        middleware = middleware_class(view)
        middleware.process_request(request)
        return middleware.process_response(request, view(request))["Content-Security-Policy"]

    assert "https://tiles.example.org" in policy_of(SiteCSPMiddleware, own_policy)
    for view in (own_policy, with_nonce):
        assert policy_of(SiteCSPMiddleware, view) == policy_of(CSPMiddleware, view)


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
