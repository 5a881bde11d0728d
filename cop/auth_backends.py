"""The site's authentication backends: Django's and allauth's, with the signed-in user read on every
request through a compiled-once query (cop.prepared) instead of the ORM's get()."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from cop.prepared import PreparedGet

_user = PreparedGet(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class PreparedUserMixin:
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session is no user
            return None
        user = _user.get(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(PreparedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(PreparedUserMixin, AllauthBackend):
    pass
