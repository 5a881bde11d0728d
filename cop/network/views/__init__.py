"""Pages of the practitioner network, thin: they ask cop.network.permissions, read through its
selectors and write through its services; refusals (DomainError) become the refused page at the edge."""


def crumbs(*items) -> list[dict]:
    return [{"title": title, "url": url} for title, url in items]
