"""The whole demo site on PostgreSQL under production settings: seed_demo goes through every app's
services (SQLite forgives things PostgreSQL refuses, such as FOR UPDATE across an outer join), then
the pages the site's menu links to answer through nginx without a server error."""

import re

import pytest

from tests.stack.processes import http_get

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def demo_site(stack):
    return stack.manage("seed_demo", timeout=300)


def test_the_menu_pages_answer_on_postgresql(demo_site, servers):
    _, _, body = http_get(f"{servers.site}/en/", context=servers.tls)
    nav = re.search(r'<nav class="main-nav".*?</nav>', body.decode(), re.S)
    assert nav, "the home page has no main menu"
    links = re.findall(r'href="(/en/[^"]*)"', nav.group(0))
    assert links
    for link in links:
        status, headers, _ = http_get(servers.site + link, context=servers.tls)
        if (
            status == 302
            and headers["Location"].startswith("/en/")
            and "/accounts/login/" not in headers["Location"]
        ):
            # An entry that leads to a page of the tree (Case studies: /library/ to the site-wide library).
            link = headers["Location"]
            status, headers, _ = http_get(servers.site + link, context=servers.tls)
        # Public pages answer 200; pages for members only send to the login page.
        assert status == 200 or (status == 302 and "/accounts/login/" in headers["Location"]), (link, status)
