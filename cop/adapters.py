from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

# Filled in on the sign-up form (cop.forms.SignupProfileForm), saved with the new user in one write.
PROFILE_FIELDS_AT_SIGNUP = ("display_name", "preferred_language", "time_zone")


class AccountAdapter(DefaultAccountAdapter):
    """Keeps allauth in step with our user model: e-mail is the login, the username mirrors it."""

    def populate_username(self, request, user):
        if not user.username:
            user.username = user.email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.username = user.email
        for name in PROFILE_FIELDS_AT_SIGNUP:
            if form.cleaned_data.get(name):
                setattr(user, name, form.cleaned_data[name])
        if not user.preferred_language:
            user.preferred_language = get_language() or "en"
        if commit:
            user.save()
        return user
