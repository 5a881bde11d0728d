"""Demo content of the practitioner network for seed_demo: network profiles with mixed visibility for the
demo users and for practitioners across the six UN regions and languages, organisations and networks,
needs and offers at every moderation state, and matches at every step of the brokered workflow.
Idempotent: everything is found by a natural key and topped up, never duplicated."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cop.models import GBFTarget, KMComponent, Language, StakeholderGroup

from .models import (
    CuratedEntry,
    ExchangeStatus,
    Match,
    MatchMessage,
    MatchStatus,
    Need,
    Offer,
    Organisation,
    Profile,
    Topic,
)

# name, kind, scope, countries, GBF targets, website, mission
ORGANISATIONS = [
    (
        "Andean Páramo Alliance",
        "network",
        "regional",
        ["CO", "EC", "PE"],
        [2, 3],
        "https://paramo.example.org",
        "Restores and monitors páramo wetlands with the communities that live in them.",
    ),
    (
        "Kenya Wildlife Service",
        "organisation",
        "national",
        ["KE"],
        [3, 4],
        "https://kws.example.org",
        "Conserves Kenya's wildlife and its habitats with neighbouring communities.",
    ),
    (
        "Instituto Humboldt",
        "organisation",
        "national",
        ["CO"],
        [21, 14],
        "https://humboldt.example.org",
        "Biodiversity research and information for Colombia's decisions.",
    ),
    (
        "Pacific Islands Ocean Network",
        "network",
        "regional",
        ["FJ", "WS", "TO", "NZ"],
        [3, 10],
        "https://pion.example.org",
        "Island practitioners sharing marine management that works.",
    ),
    (
        "Sahel Restoration Partnership",
        "partnership",
        "regional",
        ["SN", "ML", "NE", "BF"],
        [2, 11],
        "https://sahel.example.org",
        "Farmers, governments and donors restoring drylands across the Sahel.",
    ),
    (
        "Arab Network for Biodiversity Data",
        "network",
        "regional",
        ["JO", "LB", "MA", "EG"],
        [21, 20],
        "https://anbd.example.org",
        "Open biodiversity data and the skills to publish it, in Arabic.",
    ),
    (
        "Mekong Wetlands Community of Practice",
        "community",
        "regional",
        ["KH", "LA", "VN", "TH"],
        [1, 11],
        "https://mekong.example.org",
        "Wetland managers of the lower Mekong learning from each other.",
    ),
    (
        "Siberian Forest Monitoring Group",
        "organisation",
        "subnational",
        ["RU"],
        [1, 8],
        "https://taiga.example.org",
        "Field and satellite monitoring of boreal forests.",
    ),
    (
        "Yunnan Biodiversity Centre",
        "organisation",
        "subnational",
        ["CN"],
        [4, 13],
        "https://yunnan.example.org",
        "Genetic resources, seed banks and benefit-sharing in Yunnan.",
    ),
    (
        "European Urban Nature Network",
        "network",
        "regional",
        ["FR", "DE", "ES", "IT"],
        [12, 14],
        "https://urban.example.org",
        "Cities sharing how they bring nature back into streets and parks.",
    ),
    (
        "Indigenous Knowledge Exchange of the Andes",
        "community",
        "local",
        ["BO", "PE"],
        [22, 13],
        "https://ayllu.example.org",
        "Quechua and Aymara knowledge holders exchanging practice on their own terms.",
    ),
    (
        "Biodiversity Finance Lab",
        "partnership",
        "global",
        [],
        [19, 18],
        "https://finance.example.org",
        "Governments and banks testing ways to pay for nature.",
    ),
    (
        "Indian Ocean Seagrass Watch",
        "network",
        "regional",
        ["IN", "LK", "MZ", "TZ"],
        [3, 10],
        "https://seagrass.example.org",
        "Volunteers and scientists mapping seagrass meadows.",
    ),
    (
        "Global Youth Biodiversity Network",
        "network",
        "global",
        [],
        [22, 16],
        "https://youth.example.org",
        "Young people working for the biodiversity framework.",
    ),
    (
        "Caribbean Invasive Species Forum",
        "community",
        "regional",
        ["JM", "TT", "BS", "CU"],
        [6],
        "https://invasives.example.org",
        "Managers of invasive species sharing what stopped them.",
    ),
]
MEMBER_OF = [
    ("Instituto Humboldt", "Andean Páramo Alliance"),
    ("Indigenous Knowledge Exchange of the Andes", "Andean Páramo Alliance"),
    ("Kenya Wildlife Service", "Indian Ocean Seagrass Watch"),
]

# e-mail, name, language, country, stakeholder, organisation, headline, targets, topics, open to, visibility
PRACTITIONERS = [
    (
        "organiser@km4b.example",
        None,
        "fr",
        "SN",
        "igo",
        "Sahel Restoration Partnership",
        "Coordinates the KM4B clearing-house network",
        [20, 21],
        ["national-reporting"],
        ["mentoring", "speaking"],
        "public",
    ),
    (
        "practitioner@km4b.example",
        None,
        "es",
        "CO",
        "academia",
        "Instituto Humboldt",
        "Biodiversity information systems",
        [21, 14],
        ["biodiversity-data"],
        ["collaboration", "reviewing"],
        "members",
    ),
    (
        "layla@km4b.example",
        None,
        "ar",
        "JO",
        "civil-society",
        "Arab Network for Biodiversity Data",
        "Publishes open biodiversity data in Arabic",
        [21],
        ["biodiversity-data"],
        ["mentoring"],
        "public",
    ),
    (
        "wei@km4b.example",
        None,
        "zh-hans",
        "CN",
        "academia",
        "Yunnan Biodiversity Centre",
        "Seed banks and benefit-sharing",
        [4, 13],
        ["access-benefit-sharing"],
        ["reviewing"],
        "members",
    ),
    (
        "olga@km4b.example",
        None,
        "ru",
        "RU",
        "academia",
        "Siberian Forest Monitoring Group",
        "Remote sensing of boreal forests",
        [1, 8],
        ["species-monitoring"],
        ["collaboration"],
        "nobody",
    ),
    (
        "tupac@km4b.example",
        None,
        "es",
        "BO",
        "iplc",
        "Indigenous Knowledge Exchange of the Andes",
        "Quechua knowledge holder and trainer",
        [22, 13],
        ["traditional-knowledge"],
        ["speaking"],
        "members",
    ),
    (
        "aroha@km4b.example",
        None,
        "en",
        "NZ",
        "iplc",
        "Pacific Islands Ocean Network",
        "Rāhui and customary marine management",
        [3, 22],
        ["marine-coastal"],
        ["mentoring", "speaking"],
        "public",
    ),
    (
        "james@km4b.example",
        None,
        "en",
        "KE",
        "government",
        "Kenya Wildlife Service",
        "Community wildlife conservancies",
        [3, 4],
        ["protected-areas"],
        ["collaboration"],
        "members",
    ),
    (
        "priya@km4b.example",
        None,
        "en",
        "IN",
        "civil-society",
        "Indian Ocean Seagrass Watch",
        "Citizen science for seagrass",
        [3, 10],
        ["marine-coastal"],
        ["collaboration", "mentoring"],
        "public",
    ),
    (
        "marie@km4b.example",
        None,
        "fr",
        "FR",
        "government",
        "European Urban Nature Network",
        "Nature in cities, from plans to parks",
        [12, 14],
        ["urban-biodiversity"],
        ["speaking"],
        "members",
    ),
    (
        "fatima.benali@network.km4b.example",
        "Fatima Benali",
        "ar",
        "MA",
        "academia",
        "Arab Network for Biodiversity Data",
        "Argan forest ecologist",
        [2, 10],
        ["restoration"],
        ["reviewing"],
        "public",
    ),
    (
        "kwame.mensah@network.km4b.example",
        "Kwame Mensah",
        "en",
        "GH",
        "civil-society",
        "",
        "Community forests in the Ashanti region",
        [2, 22],
        ["restoration"],
        ["collaboration"],
        "members",
    ),
    (
        "nguyen.thi.lan@network.km4b.example",
        "Nguyễn Thị Lan",
        "en",
        "VN",
        "government",
        "Mekong Wetlands Community of Practice",
        "Ramsar site manager",
        [1, 11],
        ["protected-areas"],
        ["mentoring"],
        "public",
    ),
    (
        "dmitri.volkov@network.km4b.example",
        "Дмитрий Волков",
        "ru",
        "RU",
        "government",
        "",
        "Protected areas planning",
        [3],
        ["spatial-planning"],
        [],
        "members",
    ),
    (
        "li.na@network.km4b.example",
        "李娜",
        "zh-hans",
        "CN",
        "private-sector",
        "",
        "Biodiversity in supply chains",
        [15, 18],
        ["mainstreaming"],
        ["speaking"],
        "members",
    ),
    (
        "sofia.rojas@network.km4b.example",
        "Sofía Rojas",
        "es",
        "PE",
        "government",
        "Andean Páramo Alliance",
        "Páramo restoration in northern Peru",
        [2, 11],
        ["restoration"],
        ["collaboration"],
        "public",
    ),
    (
        "mateo.silva@network.km4b.example",
        "Mateo Silva",
        "es",
        "EC",
        "youth",
        "Global Youth Biodiversity Network",
        "Youth campaigns for the framework",
        [16, 22],
        ["education-awareness"],
        ["speaking"],
        "public",
    ),
    (
        "amara.kone@network.km4b.example",
        "Amara Koné",
        "fr",
        "ML",
        "women",
        "Sahel Restoration Partnership",
        "Women-led tree nurseries",
        [2, 23],
        ["restoration"],
        ["mentoring"],
        "members",
    ),
    (
        "jean.dupont@network.km4b.example",
        "Jean-Baptiste Ndayishimiye",
        "fr",
        "BI",
        "government",
        "",
        "National reporting and NBSAPs",
        [20],
        ["national-reporting"],
        ["reviewing"],
        "members",
    ),
    (
        "hana.khalil@network.km4b.example",
        "هناء خليل",
        "ar",
        "EG",
        "women",
        "",
        "Red Sea reef restoration",
        [3, 10],
        ["marine-coastal"],
        ["collaboration"],
        "nobody",
    ),
    (
        "sione.taufa@network.km4b.example",
        "Sione Taufa",
        "en",
        "TO",
        "iplc",
        "Pacific Islands Ocean Network",
        "Village fisheries management",
        [5, 22],
        ["sustainable-use"],
        ["collaboration"],
        "members",
    ),
    (
        "camille.martin@network.km4b.example",
        "Camille Martin",
        "fr",
        "FR",
        "academia",
        "",
        "Invasive species risk assessment",
        [6],
        ["invasive-species"],
        ["reviewing"],
        "public",
    ),
    (
        "shanice.baptiste@network.km4b.example",
        "Shanice Baptiste",
        "en",
        "TT",
        "government",
        "Caribbean Invasive Species Forum",
        "Lionfish control programmes",
        [6],
        ["invasive-species"],
        ["speaking"],
        "public",
    ),
    (
        "ahmed.yusuf@network.km4b.example",
        "Ahmed Yusuf",
        "ar",
        "LB",
        "academia",
        "",
        "Cedar forest genetics",
        [4],
        ["species-monitoring"],
        [],
        "members",
    ),
    (
        "elena.popescu@network.km4b.example",
        "Elena Popescu",
        "ru",
        "MD",
        "civil-society",
        "",
        "Steppe grasslands and farmers",
        [10, 2],
        ["sustainable-use"],
        ["collaboration"],
        "members",
    ),
    (
        "zhang.wei@network.km4b.example",
        "张伟",
        "zh-hans",
        "CN",
        "government",
        "Yunnan Biodiversity Centre",
        "Protected area finance",
        [19],
        ["biodiversity-finance"],
        ["reviewing"],
        "members",
    ),
    (
        "isabel.moreno@network.km4b.example",
        "Isabel Moreno",
        "es",
        "ES",
        "private-sector",
        "Biodiversity Finance Lab",
        "Nature credits and their rules",
        [19, 15],
        ["biodiversity-finance"],
        ["speaking", "reviewing"],
        "public",
    ),
    (
        "grace.wanjiru@network.km4b.example",
        "Grace Wanjiru",
        "en",
        "KE",
        "women",
        "",
        "Beekeeping and forest edges",
        [10, 11],
        ["sustainable-use"],
        ["mentoring"],
        "members",
    ),
]

# kind, title, author e-mail, organisation, support, language, country, targets, components, status, urgency,
# description, why
EXCHANGES = [
    (
        "need",
        "Training in species distribution modelling",
        "tupac@km4b.example",
        None,
        "training",
        "es",
        "BO",
        [4, 21],
        ["capacity"],
        "published",
        "high",
        "Our team of six community monitors needs a hands-on course on modelling where species live, with free tools.",
        "The national red list review starts next year and our observations are not used yet.",
    ),
    (
        "need",
        "Advice on publishing biodiversity data in Arabic",
        "layla@km4b.example",
        "Arab Network for Biodiversity Data",
        "advice",
        "ar",
        "JO",
        [21],
        ["organisation", "sharing"],
        "published",
        "medium",
        "We need advice on data standards and an Arabic interface for our data portal.",
        "Data from the region is published in English only and reaches few local users.",
    ),
    (
        "need",
        "Funding for a seagrass mapping season",
        "priya@km4b.example",
        "Indian Ocean Seagrass Watch",
        "funding",
        "en",
        "IN",
        [3, 10],
        ["generation"],
        "published",
        "high",
        "Boat time and drone batteries for one mapping season on the Palk Bay coast.",
        "Seagrass meadows there were never mapped; trawling is expanding.",
    ),
    (
        "need",
        "Partner for a youth biodiversity campaign in Spanish",
        "mateo.silva@network.km4b.example",
        "Global Youth Biodiversity Network",
        "partnership",
        "es",
        "EC",
        [16, 22],
        ["sharing"],
        "published",
        "low",
        "A partner organisation to co-run a campaign with school clubs in Ecuador and Peru.",
        "Young people know little about the framework's targets.",
    ),
    (
        "need",
        "Technology for acoustic monitoring of birds",
        "olga@km4b.example",
        None,
        "technology",
        "ru",
        "RU",
        [4],
        ["generation"],
        "published",
        "medium",
        "Twenty acoustic recorders and software to identify calls of taiga birds.",
        "Field teams cannot cover the area by foot any longer.",
    ),
    (
        "need",
        "Data on invasive lionfish sightings",
        "shanice.baptiste@network.km4b.example",
        "Caribbean Invasive Species Forum",
        "data",
        "en",
        "TT",
        [6],
        ["use"],
        "published",
        "medium",
        "Sightings of lionfish across the southern Caribbean since 2015.",
        "To target culling where the fish are spreading now.",
    ),
    (
        "need",
        "Training for NBSAP focal points on indicators",
        "jean.dupont@network.km4b.example",
        None,
        "training",
        "fr",
        "BI",
        [20, 21],
        ["capacity", "use"],
        "submitted",
        "high",
        "A short course on the monitoring framework's headline indicators for national focal points.",
        "The next national report is due and the indicators are new to us.",
    ),
    (
        "need",
        "Advice on benefit-sharing agreements",
        "wei@km4b.example",
        "Yunnan Biodiversity Centre",
        "advice",
        "zh-hans",
        "CN",
        [13],
        ["use"],
        "published",
        "low",
        "Examples and advice on mutually agreed terms for seed collections.",
        "Two companies asked for access.",
    ),
    (
        "need",
        "Funding for women-led tree nurseries",
        "amara.kone@network.km4b.example",
        "Sahel Restoration Partnership",
        "funding",
        "fr",
        "ML",
        [2, 23],
        ["use"],
        "draft",
        "medium",
        "Seed, water tanks and training for twelve nurseries run by women's groups.",
        "Restoration needs seedlings.",
    ),
    (
        "need",
        "Partnership on urban biodiversity indicators",
        "marie@km4b.example",
        "European Urban Nature Network",
        "partnership",
        "fr",
        "FR",
        [12],
        ["organisation"],
        "closed",
        "low",
        "A research partner to test the urban nature index in five cities.",
        "Cities want comparable figures.",
    ),
    (
        "offer",
        "Course on species distribution modelling with free tools",
        "practitioner@km4b.example",
        "Instituto Humboldt",
        "training",
        "es",
        "CO",
        [4, 21],
        ["capacity"],
        "published",
        "",
        "A five-day course, online or in person in the Andes, with R and open data.",
        "We train national teams every year and have places left.",
    ),
    (
        "offer",
        "Arabic data portal components",
        "fatima.benali@network.km4b.example",
        "Arab Network for Biodiversity Data",
        "technology",
        "ar",
        "MA",
        [21],
        ["organisation", "sharing"],
        "published",
        "",
        "Translated portal components and an Arabic species names list, free to reuse.",
        "We built them for Morocco and they work elsewhere.",
    ),
    (
        "offer",
        "Small grants for coastal mapping",
        "isabel.moreno@network.km4b.example",
        "Biodiversity Finance Lab",
        "funding",
        "en",
        "ES",
        [3, 10, 19],
        ["generation"],
        "published",
        "",
        "Grants up to 15,000 USD for mapping coastal ecosystems, decided within two months.",
        "Our donors want maps that guide protection.",
    ),
    (
        "offer",
        "Mentoring for youth campaigns",
        "aroha@km4b.example",
        "Pacific Islands Ocean Network",
        "advice",
        "en",
        "NZ",
        [22, 16],
        ["sharing"],
        "published",
        "",
        "Monthly calls with young organisers on campaigns that reach communities.",
        "We learned the hard way.",
    ),
    (
        "offer",
        "Acoustic recorders on loan",
        "dmitri.volkov@network.km4b.example",
        None,
        "technology",
        "ru",
        "RU",
        [4, 1],
        ["generation"],
        "published",
        "",
        "Thirty recorders available for one season, with call libraries for northern Eurasia.",
        "They sit in our store between seasons.",
    ),
    (
        "offer",
        "Lionfish sightings database",
        "camille.martin@network.km4b.example",
        None,
        "data",
        "en",
        "FR",
        [6],
        ["use", "organisation"],
        "published",
        "",
        "A cleaned database of lionfish records from divers and fishers, 2012 to now.",
        "Open data helps control.",
    ),
    (
        "offer",
        "Training on indicators for national reports",
        "organiser@km4b.example",
        "Sahel Restoration Partnership",
        "training",
        "fr",
        "SN",
        [20, 21],
        ["capacity", "use"],
        "published",
        "",
        "A three-day training on the monitoring framework for francophone focal points.",
        "Many asked for it.",
    ),
    (
        "offer",
        "Legal advice on access and benefit-sharing",
        "zhang.wei@network.km4b.example",
        "Yunnan Biodiversity Centre",
        "advice",
        "zh-hans",
        "CN",
        [13],
        ["use"],
        "submitted",
        "",
        "Our lawyers review draft agreements and share model clauses.",
        "We negotiated many.",
    ),
    (
        "offer",
        "Partnership for community forest monitoring",
        "kwame.mensah@network.km4b.example",
        None,
        "partnership",
        "en",
        "GH",
        [2, 22],
        ["generation"],
        "published",
        "",
        "We join projects that train communities to monitor their forests.",
        "We have trained forty villages.",
    ),
    (
        "offer",
        "Urban tree data for research",
        "marie@km4b.example",
        "European Urban Nature Network",
        "data",
        "fr",
        "FR",
        [12],
        ["generation"],
        "rejected",
        "",
        "Street tree inventories of five cities.",
        "They could help research.",
    ),
]

# need title, offer title, step, outcome, report, both agree to list it
MATCHES = [
    (
        "Training in species distribution modelling",
        "Course on species distribution modelling with free tools",
        MatchStatus.COMPLETED,
        "Six community monitors trained; their models feed the red list review.",
        "The course ran in La Paz over five days; the monitors now share models with the national herbarium.",
        True,
    ),
    (
        "Advice on publishing biodiversity data in Arabic",
        "Arabic data portal components",
        MatchStatus.IN_COOPERATION,
        "",
        "",
        False,
    ),
    (
        "Funding for a seagrass mapping season",
        "Small grants for coastal mapping",
        MatchStatus.MATCHED,
        "",
        "",
        False,
    ),
    (
        "Partner for a youth biodiversity campaign in Spanish",
        "Mentoring for youth campaigns",
        MatchStatus.CLARIFIED,
        "",
        "",
        False,
    ),
    (
        "Technology for acoustic monitoring of birds",
        "Acoustic recorders on loan",
        MatchStatus.SUBMITTED,
        "",
        "",
        False,
    ),
    (
        "Data on invasive lionfish sightings",
        "Lionfish sightings database",
        MatchStatus.CLOSED,
        "The database did not cover the southern Caribbean.",
        "",
        False,
    ),
]
CONVERSATION = [
    ("need", "Hello! Could your course come to La Paz, and in Spanish?"),
    ("offer", "Yes, we can run it in Spanish. Would **March** suit your monitors?"),
]


def _user(email, name, language, country):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            username=email,
            display_name=name or email.split("@", 1)[0].title(),
            preferred_language=language,
            country=country,
        )
        user.set_unusable_password()
        user.save()
    return user


def _organisations() -> dict[str, Organisation]:
    organisations = {}
    for name, kind, scope, countries, targets, website, mission in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "scope": scope,
                "countries": countries,
                "website": website,
                "mission": mission,
            },
        )
        if created:
            organisation.gbf_targets.set(GBFTarget.objects.filter(number__in=targets))
        organisations[name] = organisation
    for member, network in MEMBER_OF:
        organisations[network].member_organisations.add(organisations[member])
    return organisations


def _profiles(organisations) -> dict:
    people = {}
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    for (
        email,
        name,
        language,
        country,
        stakeholder,
        organisation,
        headline,
        targets,
        topic_slugs,
        open_to,
        level,
    ) in PRACTITIONERS:
        user = _user(email, name, language, country)
        people[email] = user
        if Profile.objects.filter(user=user).exists():
            continue
        user.country = user.country or country
        user.stakeholder_group = StakeholderGroup.objects.filter(slug=stakeholder).first()
        user.organisation = user.organisation or organisation
        user.save(update_fields=["country", "stakeholder_group", "organisation"])
        user.expertise.set(GBFTarget.objects.filter(number__in=targets))
        user.languages.add(*Language.objects.filter(code__in={language, "en"}))
        record = organisations.get(organisation)
        profile = Profile.objects.create(
            user=user,
            headline=headline,
            organisation_record=record,
            **{f"open_to_{flag}": True for flag in open_to},
            # Mixed visibility: some show everything, most keep the defaults, a few hide their country.
            country_visibility=level,
            organisation_visibility="public" if level == "public" else "members",
            expertise_visibility="public" if level == "public" else "members",
        )
        profile.topics.set([topics[slug] for slug in topic_slugs if slug in topics])
        if record is not None:
            record.focal_points.add(user)
    return people


def _exchanges(people, organisations) -> dict:
    items = {}
    moderator = people["organiser@km4b.example"]
    now = timezone.now()
    for (
        kind,
        title,
        email,
        organisation,
        support,
        language,
        country,
        targets,
        components,
        status,
        urgency,
        description,
        rationale,
    ) in EXCHANGES:
        model = Need if kind == "need" else Offer
        item = model.objects.filter(title=title).first()
        if item is None:
            fields = {
                "title": title,
                "description": description,
                "rationale": rationale,
                "support_kind": support,
                "language": Language.objects.get(code=language),
                "country": country,
                "author": people[email],
                "organisation": organisations.get(organisation) if organisation else None,
                "status": status,
                "expires_on": (now + timedelta(days=180)).date() if kind == "need" else None,
            }
            if status in (ExchangeStatus.PUBLISHED, ExchangeStatus.REJECTED, ExchangeStatus.CLOSED):
                fields.update(moderated_by=moderator, moderated_at=now)
            if status == ExchangeStatus.REJECTED:
                fields["moderation_note"] = "Please say which cities and how the data may be reused."
            if kind == "need":
                fields["urgency"] = urgency
            item = model.objects.create(**fields)
            item.gbf_targets.set(GBFTarget.objects.filter(number__in=targets))
            item.km_components.set(KMComponent.objects.filter(slug__in=components))
        items[title] = item
    return items


def _matches(items, people) -> int:
    created = 0
    for need_title, offer_title, status, outcome, report, listed in MATCHES:
        need, offer = items[need_title], items[offer_title]
        match, was_created = Match.objects.get_or_create(
            need=need,
            offer=offer,
            defaults={
                "status": status,
                "outcome": outcome,
                "report": report,
                "need_side_agrees_public": listed,
                "offer_side_agrees_public": listed,
                "created_by": need.author,
            },
        )
        if was_created:
            created += 1
            for side, body in CONVERSATION:
                author = need.author if side == "need" else offer.author
                MatchMessage.objects.create(match=match, author=author, body=body)
    return created


# Practitioners the organisers added before they joined: name, address (never shown), headline,
# organisation, country, GBF targets, invited, claimed by (a demo practitioner's address) or "".
CURATED = [
    (
        "Rahel Tesfaye",
        "rahel.tesfaye@curated.km4b.example",
        "Highland forest restoration officer",
        "Ethiopian Biodiversity Institute",
        "ET",
        [2, 8],
        True,
        "",
    ),
    (
        "Tomás Quispe",
        "tomas.quispe@curated.km4b.example",
        "Community seed bank coordinator",
        "Andean Páramo Alliance",
        "PE",
        [13, 22],
        False,
        "",
    ),
    (
        "Aigerim Sultanova",
        "aigerim.sultanova@curated.km4b.example",
        "Steppe grassland ecologist",
        "",
        "KZ",
        [1, 3],
        True,
        "",
    ),
    (
        "Grace Wanjiru",
        "grace.wanjiru@network.km4b.example",
        "Citizen science lead, freshwater monitoring",
        "Kenya Wildlife Service",
        "KE",
        [7, 21],
        True,
        "grace.wanjiru@network.km4b.example",
    ),
]


def _curated(people, organisations) -> int:
    """Curated entries: invited or not, and one claimed (merged through the claim service)."""
    from .services.curated import claim_token, curated_entry_claim

    organiser = people.get("organiser@km4b.example")
    now = timezone.now()
    for name, email, headline, organisation, country, targets, invited, claimed_by in CURATED:
        entry, created = CuratedEntry.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "headline": headline,
                "organisation": organisation,
                "organisation_record": organisations.get(organisation),
                "country": country,
                "added_by": organiser,
                "invited_at": now if invited else None,
            },
        )
        if created:
            entry.gbf_targets.set(GBFTarget.objects.filter(number__in=targets))
        if claimed_by and not entry.is_claimed and claimed_by in people:
            curated_entry_claim(user=people[claimed_by], token=claim_token(entry))
    return len(CURATED)


def seed(context: dict, stdout=None) -> dict:
    organisations = _organisations()
    people = _profiles(organisations)
    items = _exchanges(people, organisations)
    created = _matches(items, people)
    curated = _curated(people, organisations)
    if stdout is not None:
        stdout.write(
            f"Network: {len(people)} practitioners, {len(organisations)} organisations, "
            f"{len(items)} needs and offers, {created} new matches, {curated} curated entries."
        )
    return context
