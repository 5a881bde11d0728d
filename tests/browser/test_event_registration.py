"""Events in a real browser: register for an event, download its .ics, cancel, and the person on the
waiting list is offered the seat by e-mail and takes it with the link."""

import datetime as dt
import re

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from events.models import Registration
from tests.factories import EventPageFactory, UserFactory, events_community

pytestmark = pytest.mark.browser


@pytest.fixture
def event(live_url, site_home):
    from events.services import events_index

    events_index()
    community = events_community(title="Youth for biodiversity")
    day = dt.date.today() + dt.timedelta(days=7)
    return EventPageFactory(
        title="Youth dialogue on NBSAPs",
        community=community,
        capacity=1,
        start_date=day,
        end_date=day,
        time_zone="Africa/Nairobi",
    )


def test_register_download_cancel_and_waitlist_promotion(new_page, login, event):
    amina, lucia = UserFactory(display_name="Amina"), UserFactory(display_name="Lucía")
    first = login(new_page(), amina)
    first.goto(event.url)
    first.get_by_role("link", name=re.compile("^Register")).first.click()
    first.get_by_role("button", name="Confirm registration").click()
    expect(first.get_by_text("You are registered.").first).to_be_visible()
    expect(first.get_by_role("link", name="Join the meeting")).to_be_visible()

    first.get_by_text("Add to my calendar").first.click()
    download_link = first.get_by_role("link", name=re.compile(r"Download \.ics"))
    expect(download_link).to_have_attribute("download", "")
    # Fetched with the browser's own cookies, as the download would be (Playwright's download waiter
    # cannot run under the live-server fixture's event-loop arrangement).
    response = first.context.request.get(download_link.get_attribute("href"))
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    vevent = Calendar.from_ical(response.body()).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Youth dialogue on NBSAPs"
    assert str(vevent["UID"]) == f"{event.ical_uid}@127.0.0.1"
    assert "meet.example.org" in str(vevent["DESCRIPTION"])  # she is registered: the join link is hers

    second = login(new_page(), lucia)
    second.goto(event.url)
    second.get_by_role("link", name=re.compile("^Join the waiting list")).click()
    second.get_by_role("button", name="Confirm registration").click()
    expect(second.get_by_text("You are on the waiting list.", exact=True)).to_be_visible()
    expect(second.get_by_role("link", name="Join the meeting")).to_have_count(0)

    mail.outbox.clear()
    first.goto(event.url)
    first.get_by_role("button", name="Cancel my registration").click()
    expect(first.get_by_text("Your registration is cancelled.")).to_be_visible()

    offer = next(m for m in mail.outbox if m.to == [lucia.email])
    accept_path = re.search(
        r"https?://[^/]+(/\S*/offer/\S+/)", offer.body.split("Accept the seat:")[1]
    ).group(1)
    second.goto(accept_path)
    second.get_by_role("button", name="Accept the seat").click()
    expect(second.get_by_text("You are registered.").first).to_be_visible()
    expect(second.get_by_role("link", name="Join the meeting")).to_be_visible()
    assert Registration.objects.get(user=lucia).status == "registered"
    assert Registration.objects.get(user=amina).status == "cancelled"


def test_calendar_works_without_javascript(new_page, event):
    page = new_page(java_script_enabled=False)
    page.goto("/en/events/?view=month&month=" + event.start_date.strftime("%Y-%m"))
    expect(page.get_by_role("table")).to_be_visible()
    page.get_by_text("Filter events").click()
    page.get_by_label("Type").select_option("webinar")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=re.compile("Youth dialogue on NBSAPs"))).to_be_visible()
