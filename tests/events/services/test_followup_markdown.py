"""A follow-up summary is Markdown rendered by cop.markup, the linear engine posts use (it was escaped
text with line breaks; the follow-up thread already read the same summary as Markdown)."""

import datetime as dt

import pytest

from events import services
from events.models import EventPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event(make_event):
    return make_event(title="Lessons from Target 3", start_date=dt.date.today() - dt.timedelta(days=2))


def test_summary_is_rendered_as_markdown_and_sanitised(past_event, facilitator):
    summary = "**Key point**: shared OECM definitions.\nSee https://www.cbd.int\n\n- one\n- two\n\n<script>x</script>"
    services.event_followup_publish(event=past_event, by=facilitator, summary=summary, open_thread=False)
    html = EventPage.objects.get(pk=past_event.pk).followup_summary
    assert "<strong>Key point</strong>: shared OECM definitions.<br>" in html
    assert '<a href="https://www.cbd.int" rel="nofollow ugc noopener">https://www.cbd.int</a>' in html
    assert "<ul>\n<li>one</li>" in html
    assert "<script" not in html
