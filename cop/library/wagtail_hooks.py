"""The library in the Wagtail admin."""

from wagtail import hooks

from .publication import before_publish_page as refuse_publishing_without_consent

# PUBLICATION (the consent lifecycle) ----
# A case study holding traditional knowledge is not published without an active consent record: the
# editor is sent back to the edit view with the reason, the draft just saved is kept.
hooks.register("before_publish_page", refuse_publishing_without_consent)
