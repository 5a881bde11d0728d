"""The signed-in user's own profile and settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from cop.forms import ProfileForm


@login_required
def my_profile(request):
    """The account menu's "My public profile": one address for everyone, so that the menu is the same
    for every member (cached pages fill in only their name)."""
    return redirect("cop_network:profile", request.user.pk)


@login_required
def profile_settings(request):
    """The signed-in user's display name, language and time zone (the public profile is edited in the
    practitioner network: cop_network:profile_edit)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your settings were saved."))
        with translation.override(user.preferred_language):
            response = redirect("cop:profile_settings")
        response.set_cookie(
            "django_language", user.preferred_language, samesite="Lax", secure=request.is_secure()
        )
        return response
    return render(request, "cop/profile_settings.html", {"form": form}, status=400 if form.errors else 200)
