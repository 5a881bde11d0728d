"""cop.fragments: keys name the code version, language and parts; many fragments are read and written
in one round trip each."""

from django.core.cache import cache
from django.utils import translation

from cop import fragments


def test_key_names_code_version_language_and_parts():
    with translation.override("fr"):
        key = fragments.fragment_key("item", 1, "v2")
        assert key.startswith(f"fragment:item:{fragments.code_version()}:fr:")
        assert fragments.fragment_key("item", 1, "v3") != key
    with translation.override("es"):
        assert fragments.fragment_key("item", 1, "v2") != key


def test_render_many_renders_only_what_the_cache_lacks(django_assert_max_num_queries):
    cache.clear()
    rendered = []

    def render(item):
        rendered.append(item["pk"])
        return f"<p>{item['title']}</p>"

    items = [{"pk": 1, "title": "One", "version": 1}, {"pk": 2, "title": "Two", "version": 1}]
    parts = lambda item: (item["pk"], item["version"])  # noqa: E731
    assert fragments.render_many("test", items, parts=parts, render=render) == ["<p>One</p>", "<p>Two</p>"]
    items[1] = {"pk": 2, "title": "Two (edited)", "version": 2}
    assert fragments.render_many("test", items, parts=parts, render=render) == [
        "<p>One</p>",
        "<p>Two (edited)</p>",
    ]
    assert rendered == [1, 2, 2]


def test_prepare_loads_once_for_the_items_to_render_and_seconds_bound_the_life(monkeypatch):
    cache.clear()
    prepared, kept = [], []
    items = [{"pk": 1}, {"pk": 2}, {"pk": 3}]
    parts = lambda item: (item["pk"],)  # noqa: E731
    render = lambda item: f"<p>{item['pk']}</p>"  # noqa: E731
    fragments.render_many("test", items[:1], parts=parts, render=render)
    original = cache.set_many
    monkeypatch.setattr(
        cache, "set_many", lambda values, seconds: kept.append(seconds) or original(values, seconds)
    )
    result = fragments.render_many(
        "test", items, parts=parts, render=render, prepare=prepared.append, seconds=60
    )
    assert result == ["<p>1</p>", "<p>2</p>", "<p>3</p>"]
    assert prepared == [[{"pk": 2}, {"pk": 3}]] and kept == [60]
    fragments.render_many("test", items, parts=parts, render=render, prepare=prepared.append)
    assert len(prepared) == 1  # all cached: nothing to prepare
