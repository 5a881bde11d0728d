"""Signed, non-expiring tokens for the one-click unsubscribe link in every e-mail."""

from django.contrib.auth import get_user_model
from django.core import signing

_SALT = "forums.email.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SALT, compress=True)


def user_from_unsubscribe_token(token: str):
    """The user the token was made for, or None when it is forged, damaged or the e-mail changed."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return get_user_model().objects.filter(pk=data.get("u"), email=data.get("e")).first()
