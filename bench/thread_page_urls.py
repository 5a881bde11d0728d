"""URLs for bench/thread_page.py: the site's, plus one bare view (a 50-row template, no database)
served by the same processes as the baseline."""

from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns

_BARE = Engine().from_string(
    "<!DOCTYPE html><html lang='en'><head><title>Rows</title></head><body><table>"
    "{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.name }}</td><td>{{ row.text }}</td></tr>"
    "{% endfor %}</table></body></html>"
)
_ROWS = [{"number": n, "name": f"Practitioner {n}", "text": "Thanks, this helps <a lot>."} for n in range(50)]


def bare(request):
    """The baseline: a Django view rendering a 50-row template."""
    return HttpResponse(_BARE.render(Context({"rows": _ROWS})))


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
