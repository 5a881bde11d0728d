"""Demo content for the site shell: the home page and the demo accounts everyone else builds on."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from home.models import HomePage

DEMO_PASSWORD = "km4b-demo-2030"  # noqa: S105 - printed in the terminal on purpose, demo only

# (e-mail, display name, language, time zone, is organiser/staff)
DEMO_USERS = [
    ("organiser@km4b.example", "Amina Diallo", "fr", "Africa/Dakar", True),
    ("practitioner@km4b.example", "Lucía Fernández", "es", "America/Bogota", False),
    ("layla@km4b.example", "ليلى الحسن", "ar", "Asia/Amman", False),
    ("wei@km4b.example", "王伟", "zh-hans", "Asia/Shanghai", False),
    ("olga@km4b.example", "Ольга Смирнова", "ru", "Europe/Moscow", False),
    ("tupac@km4b.example", "Tupac Mamani", "es", "America/La_Paz", False),
    ("aroha@km4b.example", "Aroha Ngata", "en", "Pacific/Auckland", False),
    ("james@km4b.example", "James Okello", "en", "Africa/Nairobi", False),
    ("priya@km4b.example", "Priya Raman", "en", "Asia/Kolkata", False),
    ("marie@km4b.example", "Marie Lefèvre", "fr", "Europe/Paris", False),
]

HOME_INTRO = (
    "Communities of practice for biodiversity knowledge management: share what works, "
    "learn from peers and meet at KM4B webinars, dialogues and knowledge fairs."
)
HOME_BODY = (
    "<p>KM4B Communities brings together the people who make the Kunming-Montreal Global Biodiversity "
    "Framework happen: national clearing-house mechanism focal points, indigenous peoples and local "
    "communities, researchers, women and youth networks, and the organisations that support them.</p>"
)


def ensure_user(email, name, language, tz, staff):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "username": email,
            "display_name": name,
            "preferred_language": language,
            "time_zone": tz,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed_home() -> HomePage:
    """Makes our HomePage the site root, replacing Wagtail's welcome page on a fresh database."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="KM4B Communities", slug="home-km4b", intro=HOME_INTRO, body=HOME_BODY)
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="KM4B Communities"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "KM4B Communities"
        site.save()
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


def seed(stdout=None) -> dict:
    home = seed_home()
    users = {email: ensure_user(email, name, lang, tz, staff) for email, name, lang, tz, staff in DEMO_USERS}
    # The apps' seeders (cop.demo, forums.demo...) make their own demo accounts with ensure_user: they
    # take it from the context, since nothing below home/ imports it.
    return {"home": home, "users": users, "ensure_user": ensure_user}
