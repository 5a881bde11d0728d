"""Demo communities for seed_demo: the communities index under home, six communities covering every join
policy and visibility, in several working languages, with members, roles, pending requests and
announcements. Idempotent: found by slug, topped up, never duplicated."""

from django.utils import timezone

from cop.models import (
    Announcement,
    CommunityIndexPage,
    CommunityLink,
    CommunityPage,
    GBFTarget,
    JoinPolicy,
    KMComponent,
    Language,
    Membership,
    MembershipStatus,
    Region,
    Role,
    StakeholderGroup,
    Visibility,
)

INDEX_INTRO = (
    "Communities of practice bring together people who do the same work in different places: "
    "find one on your topic, region or language, join it, and learn with your peers."
)

ORGANISER = "organiser@km4b.example"
PRACTITIONER = "practitioner@km4b.example"

COMMUNITIES = [
    {
        "slug": "national-clearing-house-mechanisms",
        "title": "National clearing-house mechanisms",
        "summary": "CHM focal points and web teams sharing how they run national biodiversity "
        "information platforms: content, tools, partnerships and sustainability.",
        "description": [
            "This community of practice connects the people who build and run national clearing-house "
            "mechanisms (CHM) under the Convention on Biological Diversity.",
            "We compare platforms, share templates for national reports and NBSAP pages, and help "
            "each other keep websites alive with small teams and budgets.",
        ],
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        "targets": [20, 21],
        "regions": [],
        "languages": ["en", "fr", "es"],
        "stakeholders": ["government", "igo"],
        "km": ["organisation", "sharing"],
        "tags": ["CHM", "websites", "national reporting"],
        "links": [("CBD Clearing-House Mechanism", "https://www.cbd.int/chm/")],
        "facilitators": [ORGANISER],
        "moderators": ["marie@km4b.example"],
        "members": [PRACTITIONER, "james@km4b.example", "wei@km4b.example", "olga@km4b.example"],
        "pending": [],
        "announcements": [
            (
                "Webinar: migrating your CHM to a new platform",
                "Three national teams explain how they moved their clearing-house website without "
                "losing content or search rankings. Questions welcome in the forum beforehand.",
            )
        ],
    },
    {
        "slug": "traditional-knowledge-community-protocols",
        "title": "Traditional knowledge and community protocols",
        "summary": "An IPLC-led space on biocultural community protocols, free prior and informed "
        "consent and the respectful documentation of traditional knowledge.",
        "description": [
            "Led by indigenous peoples and local communities, this community shares experience of "
            "biocultural community protocols, free, prior and informed consent and Article 8(j).",
            "Members agree to respect the protocols of the knowledge holders whose work is discussed "
            "here; for that reason the community is open to members only.",
        ],
        "visibility": Visibility.MEMBERS,
        "join_policy": JoinPolicy.APPROVAL,
        "targets": [13, 22],
        "regions": ["019", "009"],
        "languages": ["en", "es", "qu"],
        "stakeholders": ["iplc"],
        "km": ["generation", "use"],
        "tags": ["traditional knowledge", "FPIC", "protocols"],
        "links": [],
        "facilitators": ["tupac@km4b.example", "aroha@km4b.example"],
        "moderators": [],
        "members": ["priya@km4b.example"],
        "pending": [PRACTITIONER, "james@km4b.example"],
        "announcements": [
            (
                "Reading circle on community protocols",
                "Each month one community presents its protocol and how it was developed. Next "
                "session: a Quechua community from the Andes on their seed-exchange rules.",
            )
        ],
    },
    {
        "slug": "youth-for-biodiversity",
        "title": "Youth for biodiversity",
        "summary": "Young practitioners sharing campaigns, citizen science and ways into the GBF "
        "process. Comunidad joven, communauté jeune.",
        "description": [
            "A community for young people working on biodiversity: campaigns, citizen science, "
            "education and the road to the next COP. We work in Spanish, English and French.",
        ],
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        "targets": [16, 20, 22],
        "regions": [],
        "languages": ["es", "en", "fr"],
        "stakeholders": ["youth"],
        "km": ["sharing", "capacity"],
        "tags": ["youth", "citizen science", "education"],
        "links": [],
        "facilitators": [PRACTITIONER],
        "moderators": ["layla@km4b.example"],
        "members": ["aroha@km4b.example", "marie@km4b.example", "tupac@km4b.example"],
        "pending": [],
        "announcements": [
            (
                "Bienvenue ! Welcome! ¡Bienvenidos!",
                "Introduce yourself in the forum in the language you prefer, and tell us which "
                "GBF target you are working on.",
            )
        ],
    },
    {
        "slug": "womens-stewardship-seeds",
        "title": "Women's stewardship of seeds and genetic resources",
        "summary": "Women seed keepers, researchers and advocates on seed banks, access and "
        "benefit-sharing and gender-responsive implementation of the GBF.",
        "description": [
            "Women have kept and selected seeds for generations. This community links seed keepers, "
            "researchers and policy advocates working on Target 13 and Target 23 of the GBF.",
        ],
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.APPROVAL,
        "targets": [4, 13, 23],
        "regions": ["002", "034"],
        "languages": ["en", "fr", "hi", "sw"],
        "stakeholders": ["women", "iplc"],
        "km": ["generation", "sharing"],
        "tags": ["seeds", "gender", "ABS"],
        "links": [],
        "facilitators": ["priya@km4b.example", ORGANISER],
        "moderators": [],
        "members": [PRACTITIONER, "layla@km4b.example"],
        "pending": ["wei@km4b.example"],
        "announcements": [],
    },
    {
        "slug": "gbf-target-3-round-table",
        "title": "GBF Target 3 implementation round table",
        "summary": "A closed round table of national focal points preparing the 30x30 sections of "
        "their national reports.",
        "description": [
            "An invitation-only working group of focal points comparing methods for reporting on "
            "protected and conserved areas, including OECMs and indigenous and traditional territories.",
        ],
        "visibility": Visibility.HIDDEN,
        "join_policy": JoinPolicy.INVITATION,
        "targets": [3],
        "regions": [],
        "languages": ["en", "fr", "ru"],
        "stakeholders": ["government"],
        "km": ["use"],
        "tags": ["30x30", "protected areas"],
        "links": [],
        "facilitators": [ORGANISER],
        "moderators": [],
        "members": ["olga@km4b.example", "james@km4b.example"],
        "pending": [],
        "announcements": [
            (
                "Draft comparison table",
                "The draft comparison of OECM reporting methods is ready for comments until the end "
                "of the month.",
            )
        ],
    },
    {
        "slug": "arab-region-biodiversity-knowledge",
        "title": "شبكة المعرفة بالتنوع البيولوجي في المنطقة العربية",
        "summary": "ممارسون من المنطقة العربية يتبادلون الخبرات حول إدارة المعرفة بالتنوع البيولوجي "
        "والمناطق المحمية والتصحر.",
        "description": [
            "مجتمع ممارسة للعاملين في إدارة المعرفة بالتنوع البيولوجي في الدول العربية: "
            "تبادل الأدوات والدروس المستفادة والوثائق باللغتين العربية والإنجليزية.",
        ],
        "visibility": Visibility.MEMBERS,
        "join_policy": JoinPolicy.OPEN,
        "targets": [2, 21],
        "regions": ["145", "015"],
        "languages": ["ar", "en"],
        "stakeholders": ["government", "academia"],
        "km": ["organisation", "capacity"],
        "tags": ["Arab region", "drylands"],
        "links": [],
        "facilitators": ["layla@km4b.example"],
        "moderators": [],
        "members": [ORGANISER],
        "pending": [],
        "announcements": [],
    },
]

# Public profiles of the demo practitioners, for the network directory: organisation, country, stakeholder
# group(s) (a slug or a tuple of slugs), GBF targets, languages.
PROFILES = {
    ORGANISER: ("SCBD Knowledge Management", "SN", "igo", [20, 21], ["fr", "en"]),
    PRACTITIONER: ("Instituto Humboldt", "CO", "academia", [3, 16, 21], ["es", "en"]),
    "layla@km4b.example": (
        "Royal Society for the Conservation of Nature",
        "JO",
        "civil-society",
        [2, 21],
        ["ar", "en"],
    ),
    "wei@km4b.example": (
        "Nanjing Institute of Environmental Sciences",
        "CN",
        "academia",
        [4, 13],
        ["zh-hans", "en"],
    ),
    "olga@km4b.example": ("Ministry of Natural Resources", "RU", "government", [3], ["ru", "en"]),
    "tupac@km4b.example": ("Parque de la Papa", "BO", ("iplc", "youth"), [13, 22], ["qu", "es"]),
    "aroha@km4b.example": ("Te Rūnanga", "NZ", "iplc", [22, 3], ["mi", "en"]),
    "james@km4b.example": ("Kenya Wildlife Service", "KE", "government", [3, 4], ["en", "sw"]),
    "priya@km4b.example": ("Seed Sovereignty Collective", "IN", ("women", "iplc"), [13, 23], ["en", "hi"]),
    "marie@km4b.example": ("Office français de la biodiversité", "FR", "government", [20, 21], ["fr", "en"]),
}


def _description(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in paragraphs]


def seed_index(home) -> CommunityIndexPage:
    index = CommunityIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CommunityIndexPage(title="Communities", slug="communities", intro=INDEX_INTRO)
        )
    return index


def seed_community(index: CommunityIndexPage, data: dict) -> CommunityPage:
    community = CommunityPage.objects.filter(slug=data["slug"]).first()
    if community is None:
        community = CommunityPage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            description=_description(data["description"]),
            visibility=data["visibility"],
            join_policy=data["join_policy"],
        )
        community.gbf_targets = list(GBFTarget.objects.filter(number__in=data["targets"]))
        community.regions = list(Region.objects.filter(m49_code__in=data["regions"]))
        community.working_languages = list(Language.objects.filter(code__in=data["languages"]))
        community.stakeholder_focus = list(StakeholderGroup.objects.filter(slug__in=data["stakeholders"]))
        community.km_components = list(KMComponent.objects.filter(slug__in=data["km"]))
        community.external_links = [CommunityLink(title=title, url=url) for title, url in data["links"]]
        index.add_child(instance=community)
        community.tags.add(*data["tags"])
        community.save()
        community.save_revision().publish()
    return community


def seed_memberships(community: CommunityPage, data: dict, users: dict) -> None:
    now = timezone.now()
    wanted = [
        *[(email, Role.FACILITATOR, MembershipStatus.ACTIVE) for email in data["facilitators"]],
        *[(email, Role.MODERATOR, MembershipStatus.ACTIVE) for email in data["moderators"]],
        *[(email, Role.MEMBER, MembershipStatus.ACTIVE) for email in data["members"]],
        *[(email, Role.MEMBER, MembershipStatus.PENDING) for email in data["pending"]],
    ]
    for email, role, status in wanted:
        user = users.get(email)
        if user is None:
            continue
        Membership.objects.get_or_create(
            user=user,
            community=community,
            defaults={
                "role": role,
                "status": status,
                "joined_at": now if status == MembershipStatus.ACTIVE else None,
                "request_message": (
                    "I work on these questions in my country and would like to learn from your experience."
                    if status == MembershipStatus.PENDING
                    else ""
                ),
                # The demo sends no e-mail about requests that were never made through the site.
                "request_notified_at": now if status == MembershipStatus.PENDING else None,
            },
        )


def seed_announcements(community: CommunityPage, data: dict, users: dict) -> None:
    author = users.get(data["facilitators"][0])
    for title, body in data["announcements"]:
        Announcement.objects.get_or_create(
            community=community, title=title, defaults={"body": body, "author": author, "pinned": True}
        )


def seed_profiles(users: dict) -> None:
    targets = {t.number: t for t in GBFTarget.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    groups = {g.slug: g for g in StakeholderGroup.objects.all()}
    for email, (organisation, country, group_slugs, target_numbers, language_codes) in PROFILES.items():
        user = users.get(email)
        if user is None or user.organisation:
            continue
        user.organisation = organisation
        user.country = country
        user.bio = (
            f"I work at {organisation} on biodiversity knowledge management and am happy to share "
            "what we learned."
        )
        user.save()
        slugs = (group_slugs,) if isinstance(group_slugs, str) else group_slugs
        user.stakeholder_groups.set([groups[slug] for slug in slugs if slug in groups])
        user.expertise.set([targets[n] for n in target_numbers if n in targets])
        user.languages.set([languages[c] for c in language_codes if c in languages])


def seed(context: dict, stdout=None) -> dict:
    users = context["users"]
    index = seed_index(context["home"])
    seed_profiles(users)
    communities = {}
    for data in COMMUNITIES:
        community = seed_community(index, data)
        seed_memberships(community, data, users)
        seed_announcements(community, data, users)
        communities[community.slug] = community
    for community in communities.values():
        if community.last_activity_at is None:
            CommunityPage.objects.filter(pk=community.pk).update(last_activity_at=timezone.now())
    context["community_index"] = index
    context["communities"] = communities
    if stdout is not None:
        stdout.write(f"Communities: {len(communities)} under {index.url_path}")
    return context
