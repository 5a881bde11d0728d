"""Template tags of the practitioner network."""

from django import template
from django.template.loader import render_to_string

from cop.fragments import render_one

register = template.Library()


@register.simple_tag(takes_context=True)
def network_nav(context) -> str:
    """The network's sub-navigation: the same for every viewer of a kind (signed in or not) in a
    language, so rendered once per kind (cop.fragments: the language and code version are in the key)."""
    signed_in = context["request"].user.is_authenticated

    def render():
        return render_to_string("cop_network/includes/network_nav.html", {"user": context["request"].user})

    return render_one("network-nav", signed_in, render=render)
