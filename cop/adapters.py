from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """Keeps allauth in step with our user model: e-mail is the login, the username mirrors it."""

    def populate_username(self, request, user):
        if not user.username:
            user.username = user.email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.username = user.email
        if not user.preferred_language:
            user.preferred_language = get_language() or "en"
        if commit:
            user.save()
        return user
