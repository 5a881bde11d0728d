import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer"}


def test_healthz_names_what_is_down(client, monkeypatch):
    from home import health

    def broken():
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(health, "check_cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]
    assert "cache unreachable" in response.json()["checks"]["cache"]


def test_healthz_checks_the_broker_when_celery_is_not_eager(client, settings, monkeypatch):
    from home import health

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_celery_broker", lambda: "refused")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery_broker"]
