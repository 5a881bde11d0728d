"""cop.middleware.UserPreferencesMiddleware: the signed-in user read once, put on the request as itself."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cop.models import User

pytestmark = pytest.mark.django_db


def test_the_request_carries_the_user_itself_not_the_lazy_proxy(client, user, site_home):
    anonymous = client.get("/en/").wsgi_request.user
    assert type(anonymous) is AnonymousUser

    client.force_login(user)
    response = client.get("/en/")
    assert type(response.wsgi_request.user) is User
    assert response.wsgi_request.user.pk == user.pk
    assert user.public_name in response.content.decode()


def test_logging_out_still_leaves_an_anonymous_request(client, user, site_home):
    client.force_login(user)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert type(response.wsgi_request.user) is AnonymousUser
    assert "Log in" in client.get("/en/").content.decode()


def test_an_inactive_users_session_reads_as_anonymous(client, user, site_home):
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert type(client.get("/en/").wsgi_request.user) is AnonymousUser
