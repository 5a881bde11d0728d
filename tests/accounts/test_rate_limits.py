"""Rate limits are off in the test settings; these tests turn them back on to show they protect accounts."""

import pytest

from tests.factories import UserFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_are_refused_with_a_clear_message(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    UserFactory(email="kofi@km4b.test")
    for _attempt in range(3):
        response = log_in(client, "kofi@km4b.test", "guess")
        assert "The email address and/or password you specified are not correct." in response.content.decode()
    response = log_in(client, "kofi@km4b.test", "guess")
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    # Even the right password waits: the limit is on the account, not on the guess.
    response = log_in(client, "kofi@km4b.test")
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_password_reset_requests_get_a_designed_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "2/m/ip"}
    for _attempt in range(2):
        assert client.post("/en/accounts/password/reset/", {"email": "a@km4b.test"}).status_code == 302
    response = client.post("/fr/accounts/password/reset/", {"email": "a@km4b.test"})
    html = response.content.decode()
    assert response.status_code == 429
    assert 'class="site-header"' in html
    assert '<p class="error-page__code">429</p>' in html


def test_the_production_settings_limit_failed_logins():
    from config.settings import base

    assert "login_failed" in base.ACCOUNT_RATE_LIMITS
