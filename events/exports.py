"""Files organisers download: the attendee list of an occurrence as CSV (safe to open in a spreadsheet)."""

import csv
import io

from django.utils.translation import gettext as _


def _csv_safe(value) -> str:
    # Spreadsheet formula injection: a cell must not start with = + - @.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def attendees_csv_filename(event, occurrence) -> str:
    return f"{event.slug}-{occurrence.start_utc:%Y%m%d}-attendees.csv"


def attendees_csv(registrations, questions) -> str:
    """The attendee list with each registrant's answers, with a byte-order mark for spreadsheets."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Name"), _("E-mail"), _("Status"), _("Registered at (UTC)"), _("Attended")]
        + [q.label for q in questions]
    )
    for registration in registrations:
        answers = registration.answers or {}
        attended = {True: _("yes"), False: _("no"), None: ""}[registration.attended]
        writer.writerow(
            [
                _csv_safe(registration.user.public_name),
                _csv_safe(registration.user.email),
                registration.get_status_display(),
                f"{registration.created_at:%Y-%m-%d %H:%M}",
                attended,
            ]
            + [_csv_safe(answers.get(str(q.pk), {}).get("answer", "")) for q in questions]
        )
    return out.getvalue()
