"""The account journeys through django-allauth, as a visitor drives them with the test client."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import UserFactory

from .conftest import PASSWORD, link_in, log_in, path_of, reauthenticate, totp_code

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "amina@km4b.test",
    "display_name": "Amina Diallo",
    "password1": "mangrove-seagrass-2030",
    "password2": "mangrove-seagrass-2030",
    "preferred_language": "fr",
    "time_zone": "Africa/Dakar",
}


def test_signup_confirm_and_land_logged_in(client, site_home):
    response = client.post("/en/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = get_user_model().objects.get(email="amina@km4b.test")
    assert (user.display_name, user.preferred_language, user.time_zone) == (
        "Amina Diallo",
        "fr",
        "Africa/Dakar",
    )
    assert user.username == "amina@km4b.test"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session

    page = client.get(response["Location"])
    assert "Check your e-mail" in page.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@km4b.test"]
    assert message.subject == "[KM4B] Welcome! Please confirm your e-mail address"
    assert message.body.startswith("Hello Amina Diallo,")
    confirm_path = path_of(link_in(message))

    confirm_page = client.get(confirm_path)
    assert confirm_page.status_code == 200
    assert "<bdi>amina@km4b.test</bdi>" in confirm_page.content.decode()
    assert EmailAddress.objects.get(user=user).verified is False  # a GET never confirms

    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    home = client.get("/en/")
    assert "<bdi>Amina Diallo</bdi>" in home.content.decode()


def test_signup_errors_are_summarised_and_linked_to_their_fields(client):
    data = {**SIGNUP, "password2": "something-else-entirely", "display_name": ""}
    response = client.post("/en/accounts/signup/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="form-errors" role="alert">' in html
    assert '<a href="#id_display_name">Display name: This field is required.</a>' in html
    assert 'aria-describedby="id_display_name_helptext id_display_name_error"' in html
    assert 'id="id_display_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "You must type the same password each time." in html
    assert not get_user_model().objects.exists()


def test_signup_in_arabic_gives_errors_in_arabic(client):
    response = client.post("/ar/accounts/signup/", {**SIGNUP, "email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "أدخِل عنوان بريد إلكتروني صحيح." in html


def test_signup_honeypot_catches_bots_and_is_hidden_without_inline_style(client):
    page = client.get("/en/accounts/signup/").content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in page
    assert "style=" not in page
    response = client.post("/en/accounts/signup/", {**SIGNUP, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_reveals_nothing_and_mails_the_owner(client):
    UserFactory(email="amina@km4b.test")
    response = client.post("/en/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    assert mail.outbox[0].subject == "[KM4B] You already have an account"


def test_signup_form_has_autocomplete_and_labels(client):
    html = client.get("/en/accounts/signup/").content.decode()
    assert 'autocomplete="email"' in html
    assert 'autocomplete="new-password"' in html
    assert 'autocomplete="nickname"' in html
    for field in ("email", "display_name", "password1", "password2", "preferred_language", "time_zone"):
        assert f'<label for="id_{field}">' in html


def test_login_with_wrong_password_is_a_clear_error_not_a_crash(client):
    UserFactory(email="kofi@km4b.test")
    response = log_in(client, "kofi@km4b.test", "wrong password")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "The email address and/or password you specified are not correct." in html
    assert "_auth_user_id" not in client.session


def test_login_error_in_french(client):
    UserFactory(email="kofi@km4b.test")
    response = client.post("/fr/accounts/login/", {"login": "kofi@km4b.test", "password": "nope"})
    assert response.status_code == 200
    assert "ou le mot de passe sont incorrects." in response.content.decode()


def test_login_and_logout(client, site_home):
    user = UserFactory(email="kofi@km4b.test")
    response = log_in(client, "kofi@km4b.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Log out" in client.get("/en/accounts/logout/").content.decode()
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_with_unconfirmed_address_sends_the_link_again(client):
    UserFactory(email="new@km4b.test", verified_email=False)
    response = log_in(client, "new@km4b.test")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].subject == "[KM4B] Please confirm your e-mail address"


def test_password_reset_by_mail(client):
    user = UserFactory(email="lena@km4b.test")
    response = client.post("/en/accounts/password/reset/", {"email": "lena@km4b.test"})
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert done.status_code == 200

    message = mail.outbox[0]
    assert message.subject == "[KM4B] Reset your password"
    reset_path = path_of(link_in(message))
    # allauth swaps the key for a session token and redirects to a key-less address.
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    form_path = form_page.redirect_chain[-1][0]
    response = client.post(
        form_path, {"password1": "new-secret-for-lena", "password2": "new-secret-for-lena"}
    )
    assert response.status_code == 302
    assert "Your password is now changed." in client.get(response["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password("new-secret-for-lena")


def test_password_reset_for_an_unknown_address_says_the_same(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@km4b.test"})
    assert response.status_code == 302
    assert mail.outbox[0].subject == "[KM4B] Reset your password"
    assert "there is no account with this address" in mail.outbox[0].body


def test_password_reset_link_that_is_wrong_says_so(client):
    response = client.get("/en/accounts/password/reset/key/zz-set-password/", follow=True)
    assert response.status_code == 200
    assert "Bad Token" in response.content.decode() or "invalid" in response.content.decode()


def test_password_change(client):
    user = UserFactory(email="lena@km4b.test")
    log_in(client, "lena@km4b.test")
    page = client.get("/en/accounts/password/change/").content.decode()
    assert 'aria-current="page">Password<' in page
    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-brand-new-pass", "password2": "a-brand-new-pass"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass")
    assert mail.outbox[-1].subject == "[KM4B] Your password was changed"


def test_email_change_confirmed_by_the_new_address(client):
    user = UserFactory(email="old@km4b.test")
    log_in(client, "old@km4b.test")
    page = client.get("/en/accounts/email/").content.decode()
    assert 'value="old@km4b.test"' in page
    assert "style=" not in page

    response = client.post("/en/accounts/email/", {"action_add": "", "email": "new@km4b.test"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@km4b.test"]
    pending = client.get("/en/accounts/email/").content.decode()
    assert 'value="new@km4b.test"' in pending
    assert "Send the link again" in pending

    client.post(path_of(link_in(mail.outbox[-1])))
    user.refresh_from_db()
    assert user.email == "new@km4b.test"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@km4b.test", True, True)
    ]


def test_email_change_to_an_invalid_address_is_a_form_error(client):
    UserFactory(email="old@km4b.test")
    log_in(client, "old@km4b.test")
    response = client.post("/en/accounts/email/", {"action_add": "", "email": "not an address"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html


def test_email_change_resend_and_cancel(client):
    user = UserFactory(email="old@km4b.test")
    log_in(client, "old@km4b.test")
    client.post("/en/accounts/email/", {"action_add": "", "email": "new@km4b.test"})
    sent = len(mail.outbox)
    client.post("/en/accounts/email/", {"action_send": "", "email": "new@km4b.test"})
    assert len(mail.outbox) == sent + 1
    client.post("/en/accounts/email/", {"action_remove": "", "email": "new@km4b.test"})
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["old@km4b.test"]


def test_totp_activation_then_login_needs_the_code(client):
    user = UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    reauthenticate(client)
    page = client.get("/en/accounts/2fa/totp/activate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<img class="qr-code" src="data:image/svg+xml;base64,' in html
    assert "style=" not in html
    assert "<script>" not in html
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in html

    wrong = client.post(
        "/en/accounts/2fa/totp/activate/", {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert (
        "Authentication using an authenticator app is active."
        in client.get("/en/accounts/2fa/").content.decode()
    )

    client.post("/en/accounts/logout/")
    response = log_in(client, "sami@km4b.test")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    bad = client.post("/en/accounts/2fa/authenticate/", {"code": "12"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_recovery_codes_page_after_totp(client):
    user = UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    reauthenticate(client)
    client.get("/en/accounts/2fa/totp/activate/")
    client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    page = client.get("/en/accounts/2fa/recovery-codes/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<textarea id="recovery_codes"' in html
    codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    )
    assert codes and codes[0] in html


def test_two_factor_settings_ask_for_the_password_again(client):
    UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/en/accounts/signup/",
        "/en/accounts/login/",
        "/en/accounts/password/reset/",
        "/en/accounts/confirm-email/",
        "/en/accounts/confirm-email/not-a-key/",
    ],
)
def test_anonymous_account_pages_use_the_site_shell(client, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "/static/css/accounts.css" in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "url",
    ["/en/accounts/email/", "/en/accounts/password/change/", "/en/accounts/2fa/", "/en/me/settings/"],
)
def test_manage_pages_have_the_account_navigation(client, url):
    UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    html = client.get(url).content.decode()
    assert '<nav class="account-nav" aria-label="Your account">' in html
    assert html.count('aria-current="page"') == 1


def test_every_two_factor_page_is_in_the_site_design_without_inline_code(client):
    UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    reauthenticate(client)
    client.get("/en/accounts/2fa/totp/activate/")
    client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    for url in [
        "/en/accounts/2fa/",
        "/en/accounts/2fa/totp/deactivate/",
        "/en/accounts/2fa/recovery-codes/",
        "/en/accounts/2fa/recovery-codes/generate/",
        "/en/accounts/reauthenticate/",
        "/en/accounts/password/change/",
        "/en/accounts/email/",
    ]:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert 'class="site-header"' in html, url
        assert "style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), url


def test_recovery_code_logs_in_when_the_phone_is_lost(client):
    user = UserFactory(email="sami@km4b.test")
    log_in(client, "sami@km4b.test")
    reauthenticate(client)
    client.get("/en/accounts/2fa/totp/activate/")
    client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    code = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()[0]
    )
    client.post("/en/accounts/logout/")
    log_in(client, "sami@km4b.test")
    response = client.post("/en/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_page_from_the_link_is_in_the_site_design(client):
    UserFactory(email="lena@km4b.test")
    client.post("/en/accounts/password/reset/", {"email": "lena@km4b.test"})
    page = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    html = page.content.decode()
    assert 'class="site-header"' in html
    assert 'autocomplete="new-password"' in html
    assert "style=" not in html
