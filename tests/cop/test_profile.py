import pytest

pytestmark = pytest.mark.django_db


def test_profile_settings_needs_login(client):
    response = client.get("/en/me/settings/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_profile_settings_saves_language_and_time_zone(user_client, user):
    response = user_client.post(
        "/en/me/settings/",
        {"display_name": "Aroha Ngata", "preferred_language": "ar", "time_zone": "Pacific/Auckland"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ar/me/settings/"
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.time_zone) == (
        "Aroha Ngata",
        "ar",
        "Pacific/Auckland",
    )


def test_profile_settings_rejects_unknown_time_zone_in_the_users_language(user_client, user):
    response = user_client.post(
        "/fr/me/settings/", {"display_name": "X", "preferred_language": "fr", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_display_name_is_isolated_for_bidi(client, db):
    from tests.factories import UserFactory

    user = UserFactory(display_name="\u202eevil")
    client.force_login(user)
    html = client.get("/en/me/settings/").content.decode()
    assert "<bdi>\u202eevil</bdi>" in html
