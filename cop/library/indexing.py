"""Keeps the search index in step with consent: an item's indexed text depends on its consent (the
notice text of a TK item), so a saved or deleted consent record re-indexes its item at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search import index

from .models import ConsentRecord


@receiver(post_save, sender=ConsentRecord, dispatch_uid="library_consent_reindex")
@receiver(post_delete, sender=ConsentRecord, dispatch_uid="library_consent_reindex_delete")
def reindex_item(sender, instance, **kwargs):
    item = instance.case_study if instance.case_study_id else instance.building_block
    if item is not None:
        # The item reads its consent afresh (the cached relation may be the one just deleted).
        item = type(item).objects.filter(pk=item.pk).first()
        if item is not None:
            index.insert_or_update_object(item)
