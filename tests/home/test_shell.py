import gzip
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from config.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_first_load_css_and_js_stay_under_100_kb_compressed(client, site_home):
    """Every stylesheet and script the home page loads, gzipped, adds up to less than 100 KB."""
    html = client.get("/en/").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert assets, "the shell loads no CSS or JS?"
    total = 0
    for asset in assets:
        data = (settings.BASE_DIR / "static" / asset).read_bytes()
        total += len(gzip.compress(data, compresslevel=9))
    assert total < 100 * 1024, f"{total} bytes compressed for {assets}"


def test_no_asset_comes_from_another_host(client, site_home):
    html = client.get("/en/").content.decode()
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html.replace('href="https://', 'href="/'))


def test_json_log_lines_are_one_object_each():
    record = logging.makeLogRecord(
        {"name": "km4b", "levelname": "WARNING", "msg": "down: %s", "args": ("cache",)}
    )
    record.down = "cache"
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["message"] == "down: cache"
    assert payload["level"] == "WARNING"
    assert payload["down"] == "cache"


def test_server_error_page_is_designed_and_needs_no_database():
    from home.views import server_error

    request = RequestFactory().get("/en/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_bad_request_page_is_designed(client, site_home, settings):
    # A Host header that is not allowed is the classic 400.
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
