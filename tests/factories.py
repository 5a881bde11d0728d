"""factory_boy factories, one section per app. Apps add their own below their banner."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

# COP ----


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"practitioner{n}@km4b.test")
    username = factory.SelfAttribute("email")
    display_name = factory.Faker("name")
    preferred_language = "en"
    time_zone = "UTC"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": extracted is not False, "primary": True}
            )
