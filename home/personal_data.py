"""The forums', events' and case-study library's parts of "Download my data", registered with
cop.personal_data from here: home reads from every app, so cop (and cop.network, which serves the
download) import none of them."""

from django.apps import apps

from cop.personal_data import register_personal_data, stamp


@register_personal_data("forums", order=30)
def forum_data(user) -> dict:
    from forums.models import Post, Thread

    threads = Thread.objects.filter(author=user).select_related("board").order_by("pk")
    posts = Post.objects.filter(author=user).select_related("thread").order_by("pk")
    return {
        "threads_started": [
            {"title": thread.title, "board": str(thread.board), "created_at": stamp(thread.created_at)}
            for thread in threads
        ],
        "posts": [
            {
                "thread": post.thread.title,
                "number": post.number,
                "body": post.body,
                "status": post.status,
                "created_at": stamp(post.created_at),
            }
            for post in posts
        ],
    }


@register_personal_data("events", order=35)
def event_data(user) -> list:
    from events.models import Registration

    registrations = Registration.objects.filter(user=user).select_related("occurrence__event").order_by("pk")
    return [
        {
            "event": registration.occurrence.event.title,
            "starts_at": stamp(registration.occurrence.start_utc),
            "status": registration.status,
            "answers": registration.answers,
            "attended": registration.attended,
            "created_at": stamp(registration.created_at),
        }
        for registration in registrations
    ]


@register_personal_data("library", order=50)
def library_data(user) -> dict | None:
    if not apps.is_installed("cop.library"):
        return None
    from cop.library.models import AccessRequest, ConsentRecord

    return {
        "consent_custodianships": [
            {"record": str(record), "status": record.status}
            for record in ConsentRecord.objects.filter(custodians=user).order_by("pk")
        ],
        "access_requests": [
            {"message": request.message, "status": request.status}
            for request in AccessRequest.objects.filter(requester=user).order_by("pk")
        ],
    }
