"""Two-factor authentication in a real browser: the QR code shows under our CSP, and login then asks for it."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.accounts.conftest import totp_clock, totp_code  # noqa: F401 - totp_clock is a fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def log_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_set_up_an_authenticator_app_then_log_in_with_a_code(page, site_home, totp_clock):  # noqa: F811
    # allauth accepts a code only in its own 30-second period: the clock (shared with the live server,
    # which runs in this process) is frozen mid-period, so a slow browser cannot cross a period boundary.
    user = UserFactory(email="sami@km4b.test", display_name="Sami")
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    log_in(page, "sami@km4b.test")
    page.goto("/en/accounts/2fa/")
    page.get_by_role("link", name="Activate").click()
    # allauth asks for the password again before two-factor settings change.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    qr = page.locator("img.qr-code")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not render"
    secret = page.get_by_label("Secret key").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    # allauth then shows the recovery codes it has just made.
    expect(page.get_by_role("status")).to_contain_text("Authenticator app activated.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.get_by_label("Unused codes")).to_have_value(re.compile(r"^(\d{8}\s*){10}$"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert not [error for error in console_errors if "Content Security Policy" in error], console_errors

    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, "sami@km4b.test")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    totp_clock.advance(30)  # the next period: a code is accepted once, as an authenticator app moves on
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("details.account-menu summary")).to_contain_text("Sami")
