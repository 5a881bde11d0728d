"""cop.fragments.code_version: fragments hold reversed addresses and settings-driven text, so a deploy
that changes only the project's configuration (config/urls.py prefixes, settings) gives new keys."""

from cop import fragments


def test_a_change_in_the_configuration_gives_a_new_code_version(tmp_path, settings):
    (tmp_path / "config").mkdir()
    urls = tmp_path / "config" / "urls.py"
    urls.write_text('PREFIX = "events/"\n')
    settings.BASE_DIR = tmp_path
    fragments.code_version.cache_clear()
    try:
        before = fragments.code_version()
        urls.write_text('PREFIX = "calendar/"\n')
        fragments.code_version.cache_clear()
        assert fragments.code_version() != before
    finally:
        fragments.code_version.cache_clear()


def test_new_translations_give_a_new_code_version(tmp_path, settings):
    catalogue = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_bytes(b"old catalogue")
    settings.BASE_DIR = tmp_path
    fragments.code_version.cache_clear()
    try:
        before = fragments.code_version()
        catalogue.write_bytes(b"new catalogue: the French names of the vocabularies")
        fragments.code_version.cache_clear()
        assert fragments.code_version() != before
    finally:
        fragments.code_version.cache_clear()
