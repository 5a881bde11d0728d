"""home.sites keeps, per process, the site of each Host header a request names: the Host header is the
client's to choose (read raw, before ALLOWED_HOSTS is checked), so that table must stay bounded."""

import pytest
from django.core.cache import cache

from home import sites

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_hosts_named_by_clients_do_not_grow_the_site_table_without_bound(client, site_home, monkeypatch):
    monkeypatch.setattr(sites, "SITES_KEPT", 5)
    for number in range(20):
        client.get("/en/", HTTP_HOST=f"random-{number}.example")
        assert len(sites._FOUND) <= 5
    response = client.get("/en/")
    assert response.status_code == 200
