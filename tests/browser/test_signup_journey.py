"""A newcomer's first visit, in a real browser: sign up, confirm the e-mail, read the site in Arabic."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def test_sign_up_confirm_and_switch_to_arabic(page, site_home):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill("amina@km4b.test")
    page.get_by_label("Display name").fill("Amina Diallo")
    page.get_by_label("Password", exact=True).fill("mangrove-seagrass-2030")
    page.get_by_label("Password (again)").fill("mangrove-seagrass-2030")
    page.get_by_label("Time zone").select_option("Africa/Dakar")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith(page.url.split("/en/")[0])

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/en/$"))
    account_menu = page.locator("details.account-menu summary")
    expect(account_menu).to_contain_text("Amina Diallo")

    page.locator("details.language-switcher summary").click()
    page.get_by_role("button", name=re.compile("^العربي")).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page).to_have_url(re.compile(r"/ar/$"))
    expect(page.locator("details.account-menu summary")).to_contain_text("Amina Diallo")


def test_log_in_works_without_javascript(new_page, site_home):
    UserFactory(email="kofi@km4b.test", display_name="Kofi Mensah")
    page = new_page(java_script_enabled=False)
    page.goto("/en/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("kofi@km4b.test")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("details.account-menu summary")).to_contain_text("Kofi Mensah")
    # The <details> menus open without JavaScript too.
    page.locator("details.account-menu summary").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_home_page_in_arabic_is_laid_out_right_to_left(page, login, site_home, tmp_path):
    user = UserFactory(display_name="أمينة ديالو", preferred_language="ar")
    login(page, user)
    page.goto("/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    tools = page.locator(".header-tools").bounding_box()
    # Mirrored: the brand starts at the right edge, the language and account menus sit at the left.
    assert brand["x"] + brand["width"] > width * 0.75
    assert tools["x"] < width * 0.5
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert heading["x"] + heading["width"] > width * 0.6
    shots = Path(os.environ.get("KM4B_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "home-ar.png"), full_page=True)
