"""What cop.mail costs per message against a bare send of the same e-mail, in one process, same run.

Builds a throwaway SQLite database (migrations, one recipient), then measures in rounds, alternating:
the bare path the apps used before cop.mail (subject and text body rendered in the recipient's language,
an EmailMessage sent; no HTML, no record) and cop.mail.mail_send (the same templates, plus the HTML part
and the SentMail record: is it recorded, claim, mark sent), each sending `--messages` distinct messages to
Django's in-memory backend (no SMTP: what is measured is the site's own work). CPU time is the
process's (time.process_time), so other work on the machine slows it less than wall time. Prints the
figures; --write records them in bench/RESULTS.md under "Mailer".

    .venv/bin/python bench/mail.py [--rounds 5] [--messages 300] [--write]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Mailer"
TEMPLATE = "cop/email/membership_approved"


def _context() -> dict:
    return {
        "membership": SimpleNamespace(decision_reason="Welcome to the seed keepers, we meet on Tuesdays."),
        "community": SimpleNamespace(title="Seed keepers"),
        "community_url": "http://127.0.0.1:8000/communities/seed-keepers/",
    }


def bare_send(recipient, number: int) -> None:
    """The apps' former path: text only, nothing recorded."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(recipient.preferred_language):
        context = {**_context(), "recipient": recipient, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"{TEMPLATE}_subject.txt", context).split())
        body = render_to_string(f"{TEMPLATE}_body.txt", context)
    EmailMessage(subject=f"[KM4B] {subject}", body=body, to=[recipient.email]).send()


def rendered_send(recipient, number: int) -> None:
    """cop.mail's message (text and HTML parts) sent without the record: splits the mailer's cost."""
    from cop.mail import message_render

    message_render(
        template=TEMPLATE,
        context=lambda: {**_context(), "recipient": recipient},
        to=recipient.email,
        language=recipient.preferred_language,
    ).send()


def mailer_send(recipient, number: int) -> None:
    from cop.mail import mail_send

    mail_send(
        kind="bench.approved", key=str(number), recipient=recipient, template=TEMPLATE, context=_context
    )


def _query_counter():
    counted = [0]

    def counting(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    return counted, counting


def measure(rounds: int, messages: int) -> dict:
    import django
    from django.core import mail
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from cop.models import SentMail, User

    recipient = User.objects.create_user(
        email="bench@km4b.example", password=None, display_name="Bench", preferred_language="fr"
    )
    SentMail.objects.all().delete()
    paths = (("bare", bare_send), ("rendered", rendered_send), ("mailer", mailer_send))
    timings = {name: [] for name, _send in paths}
    queries = {}
    sequence = 0
    for _round in range(rounds):
        for name, send in paths:
            mail.outbox = []
            counted, counting = _query_counter()
            with connection.execute_wrapper(counting):
                start = time.process_time()
                for _ in range(messages):
                    sequence += 1
                    send(recipient, sequence)
                timings[name].append((time.process_time() - start) / messages * 1000)
            assert len(mail.outbox) == messages, (name, len(mail.outbox))
            queries[name] = counted[0] / messages
    return {
        name: {
            "ms": statistics.median(values),
            "spread": (min(values), max(values)),
            "queries": queries[name],
        }
        for name, values in timings.items()
    }


def report(result: dict, *, rounds: int, messages: int) -> str:
    load = os.getloadavg()
    bare, rendered, mailer = result["bare"], result["rendered"], result["mailer"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')}, {rounds} rounds of {messages} messages each, alternating, "
        f"SQLite (WAL), Django's in-memory mail backend, one process; CPU time per message (median of the "
        f"rounds, min-max in brackets). Load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} on 2 cores: other engineers' test runs shared the machine.",
        "",
        "| Path | CPU ms / message | Queries / message |",
        "| --- | --- | --- |",
        f"| bare send (before: text only, no record) | {bare['ms']:.2f} "
        f"({bare['spread'][0]:.2f}-{bare['spread'][1]:.2f}) | {bare['queries']:.0f} |",
        f"| cop.mail.message_render + send (text + HTML, no record) | {rendered['ms']:.2f} "
        f"({rendered['spread'][0]:.2f}-{rendered['spread'][1]:.2f}) | {rendered['queries']:.0f} |",
        f"| cop.mail.mail_send (text + HTML, SentMail record) | {mailer['ms']:.2f} "
        f"({mailer['spread'][0]:.2f}-{mailer['spread'][1]:.2f}) | {mailer['queries']:.0f} |",
        "",
        f"The mailer costs {mailer['ms'] - bare['ms']:.2f} ms more per message "
        f"({mailer['ms'] / bare['ms']:.1f}x the bare send): {rendered['ms'] - bare['ms']:.2f} ms for the "
        f"HTML part, {mailer['ms'] - rendered['ms']:.2f} ms for the record (its queries and commits). "
        "Not measured here: the SMTP conversation itself, a network exchange per message on either path.",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    path = BENCH / "RESULTS.md"
    content = path.read_text()
    section = f"## {SECTION}\n\nWritten by `bench/mail.py --write`.\n\n{text}\n"
    pattern = re.compile(rf"^## {SECTION}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(content):
        content = pattern.sub(section + "\n", content).rstrip("\n") + "\n"
    else:
        content = content.rstrip("\n") + "\n\n" + section
    path.write_text(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    options = parser.parse_args()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    workdir = Path(tempfile.mkdtemp(prefix="km4b-bench-mail-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "thread_page_app",
            "BENCH_DB": str(workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    result = measure(max(1, options.rounds), max(1, options.messages))
    text = report(result, rounds=options.rounds, messages=options.messages)
    print(text)
    if options.write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
