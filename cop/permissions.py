"""Who may see what. Every surface (page, list, search, feed, API, websocket) asks here."""


def visible_pages(user, pages):
    """Narrows a Wagtail page queryset to the pages this user may read."""
    return pages.public()
