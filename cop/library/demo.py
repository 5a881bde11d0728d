"""Demo case-study libraries (called by seed_demo after the communities). Safe to run again: every
record is looked up by its slug or key first, never duplicated.

A site-wide library and two community libraries; case studies across regions, ecosystems and
languages; building blocks shared by several case studies; a curated collection; and three items with
traditional knowledge: one whose consent limits it to its community, one with a pending access request,
one whose consent was withdrawn (made directly with the models, with their audit log)."""

import datetime

from django.utils import timezone

from cop.models import CommunityPage, GBFTarget, KMComponent, Language, StakeholderGroup

from . import demo_submissions
from .models import (
    AccessRequest,
    AccessRequestStatus,
    Audience,
    BuildingBlock,
    BuildingBlockStatus,
    CaseStudyBlockUse,
    CaseStudyPage,
    ConsentAction,
    ConsentLogEntry,
    ConsentProcess,
    ConsentRecord,
    ConsentStatus,
    Ecosystem,
    Label,
    LibraryCollection,
    LibraryCollectionItem,
    LibraryPage,
)

TK_COMMUNITY = "traditional-knowledge-community-protocols"
SEEDS_COMMUNITY = "womens-stewardship-seeds"
ORGANISER = "organiser@km4b.example"
PRACTITIONER = "practitioner@km4b.example"

LIBRARIES = {
    "site": (
        "Case studies",
        "case-studies",
        "Good practices and lessons learned from biodiversity practitioners "
        "around the world: what worked, what did not, and the building blocks others can adapt.",
    ),
    TK_COMMUNITY: (
        "Community protocols in practice",
        "library",
        "Case studies shared by members under the protocols of their communities.",
    ),
    SEEDS_COMMUNITY: (
        "Seed keepers' case studies",
        "library",
        "How women seed keepers organise, conserve and share seeds.",
    ),
}

BLOCKS = {
    "by-laws": (
        "Village resource committee with written by-laws",
        "An elected committee agrees written rules for harvesting and closures, and the village assembly adopts them.",
        "Elect the committee at an open assembly; write the rules in the local language; post them where people meet; "
        "review them every year.",
        "Recognition of the by-laws by the local government; women and young people on the committee.",
    ),
    "mapping": (
        "Participatory mapping of resources and uses",
        "Residents draw the places they use, the resources found there and who decides, on a shared map.",
        "Start with a sketch map on the ground, then transfer it to paper or a GIS with the community's consent; "
        "agree who keeps the map.",
        "A facilitator who speaks the local language; time for the map to be checked by elders and youth.",
    ),
    "seed-registry": (
        "Community seed registry",
        "A register of local varieties, their keepers and their traits, kept by the community.",
        "Record each variety with its local name, keeper, uses and growing conditions; keep copies with two keepers.",
        "Clear rules on who may consult the registry and on benefit-sharing if a variety is used elsewhere.",
    ),
    "exchange-visits": (
        "Farmer-to-farmer exchange visits",
        "Farmers who have tried a practice host farmers from other villages for a day in the field.",
        "Pair hosts and visitors with similar conditions; let the hosts lead; follow up after one season.",
        "Transport money; hosts recognised as trainers.",
    ),
    "community-monitoring": (
        "Monitoring with indicators chosen by the community",
        "The community chooses a few indicators it can measure itself and reviews them each season.",
        "Choose three to five indicators; measure them at fixed points and dates; discuss the results at the assembly.",
        "Simple tools; a feedback loop to the decisions that the indicators inform.",
    ),
}


def _case(
    title,
    slug,
    library,
    summary,
    country,
    targets,
    ecosystems,
    stakeholders,
    languages,
    scale,
    period,
    organisations,
    blocks=(),
    **text,
):
    return {
        "title": title,
        "slug": slug,
        "library": library,
        "summary": summary,
        "country": country,
        "targets": targets,
        "ecosystems": ecosystems,
        "stakeholders": stakeholders,
        "languages": languages,
        "scale": scale,
        "period": period,
        "organisations": organisations,
        "blocks": blocks,
        **text,
    }


CASE_STUDIES = [
    _case(
        "Locally managed marine areas in Fijian villages",
        "locally-managed-marine-areas-fiji",
        "site",
        "Villages close part of their fishing grounds for a few years under customary rules, and open them again "
        "when catches recover.",
        "FJ",
        [3, 10],
        ["coral-reefs", "marine-terrestrial"],
        ["iplc", "government"],
        ["en"],
        "local",
        (2008, 2022),
        "Village resource committees\nProvincial fisheries office",
        blocks=("by-laws", "mapping", "community-monitoring"),
        context="Catches of reef fish and invertebrates had fallen, and fishing pressure was rising with new markets.",
        solution="Each village decided a **tabu area** closed to fishing, with rules enforced by wardens chosen "
        "by the village, and monitoring of fish and shellfish twice a year.",
        results="Shellfish and reef fish counts rose inside the closed areas; several villages reopened them for "
        "ceremonies and closed them again.",
        lessons="Rules made by the village are respected more than rules made elsewhere; monitoring results must "
        "come back to the village meeting.",
    ),
    _case(
        "Parque de la Papa: agrobiodiversidad bajo gobernanza comunitaria",
        "potato-park-peru",
        "site",
        "Seis comunidades quechuas gestionan juntas un territorio donde conservan cientos de variedades nativas de "
        "papa y comparten los beneficios.",
        "PE",
        [4, 13, 22],
        ["mountains", "agricultural-landscapes"],
        ["iplc"],
        ["es", "qu"],
        "subnational",
        (2000, 2024),
        "Asociación de comunidades del Parque de la Papa\nANDES (Asociación para la Naturaleza y el "
        "Desarrollo Sostenible)",
        blocks=("seed-registry", "mapping", "exchange-visits"),
        context="Las variedades nativas se perdían con la migración de los jóvenes y los cambios del clima.",
        solution="Un acuerdo intercomunitario de reparto de beneficios, un registro comunitario de variedades y "
        "parcelas de repatriación de semillas.",
        results="Variedades repatriadas desde bancos de germoplasma vuelven a cultivarse en las parcelas comunitarias.",
        lessons="La gobernanza propia de las comunidades es la base de la conservación a largo plazo.",
    ),
    _case(
        "Mangrove replanting led by fisherwomen in the Sundarbans",
        "mangrove-replanting-sundarbans",
        "site",
        "Women's groups raise mangrove seedlings, replant eroded banks and earn income from the nurseries.",
        "BD",
        [2, 8, 23],
        ["mangroves", "freshwater-marine"],
        ["women", "civil-society"],
        ["en"],
        "local",
        (2015, 2023),
        "Coastal women's cooperatives\nForest department field office",
        blocks=("exchange-visits", "community-monitoring"),
        context="Cyclones and erosion had destroyed embankments and the mangrove belt that protected the villages.",
        solution="Nurseries run by women's groups, replanting with native species mixes, and paid maintenance for "
        "the first two years.",
        results="Replanted belts survived the following cyclone seasons better than single-species plantations.",
        lessons="Mixed native species and paid maintenance matter more than the number of seedlings planted.",
    ),
    _case(
        "Régénération naturelle assistée des terres agricoles au Niger",
        "farmer-managed-natural-regeneration-niger",
        "site",
        "Des agriculteurs protègent et taillent les rejets d'arbres dans leurs champs : les parcs arborés reviennent "
        "sur des millions d'hectares.",
        "NE",
        [2, 10],
        ["savannas-grasslands", "agricultural-landscapes"],
        ["iplc", "civil-society"],
        ["fr"],
        "national",
        (1985, 2020),
        "Groupements de producteurs\nServices techniques de l'environnement",
        blocks=("exchange-visits", "community-monitoring", "by-laws"),
        context="Les champs étaient défrichés chaque année ; les sols s'appauvrissaient et le vent les érodait.",
        solution="Choisir les souches vivantes, garder les meilleurs rejets, tailler les autres ; des règles "
        "locales sur la coupe du bois.",
        results="Plus d'arbres dans les champs, de meilleurs rendements et du bois de chauffe pour les ménages.",
        lessons="Une pratique simple se diffuse vite quand les droits sur les arbres sont clairs.",
    ),
    _case(
        "Восстановление торфяных болот в Беларуси",
        "peatland-rewetting-belarus",
        "site",
        "Осушенные торфяники снова обводняют: уменьшаются пожары и выбросы, возвращаются птицы.",
        "BY",
        [2, 8],
        ["peatlands", "terrestrial-freshwater"],
        ["government", "academia"],
        ["ru"],
        "national",
        (2006, 2021),
        "Лесные и природоохранные учреждения\nНаучные институты",
        blocks=("community-monitoring",),
        context="Торфяники, осушенные для сельского хозяйства, горели почти каждое лето.",
        solution="Плотины на дренажных каналах поднимают уровень воды; мониторинг растительности и птиц.",
        results="Уровень воды восстановился, число пожаров снизилось, вернулись гнездящиеся виды.",
        lessons="Нужны согласие землепользователей и долгосрочный мониторинг.",
    ),
    _case(
        "Community forestry in Nepal's middle hills",
        "community-forestry-nepal",
        "site",
        "Forest user groups manage and protect state forest handed over to them, and share the benefits.",
        "NP",
        [3, 22],
        ["temperate-forests", "mountains"],
        ["iplc", "women", "government"],
        ["en"],
        "national",
        (1993, 2023),
        "Forest user groups\nDistrict forest offices",
        blocks=("by-laws", "mapping"),
        context="Hillsides were bare and landslides frequent after decades of unregulated cutting.",
        solution="Forests handed over to user groups with their own operational plans and rules.",
        results="Forest cover on the middle hills increased markedly; user groups fund local projects.",
        lessons="Women's and marginalised groups' places in the committees decide who benefits.",
    ),
    _case(
        "إحياء نظام الأفلاج لإدارة المياه في عُمان",
        "aflaj-water-management-oman",
        "site",
        "تُدار قنوات الأفلاج القديمة بأعراف مجتمعية لتقاسم المياه بين المزارعين وحماية الواحات.",
        "OM",
        [11, 10],
        ["deserts", "freshwater"],
        ["iplc", "government"],
        ["ar"],
        "subnational",
        (2010, 2022),
        "جمعيات الأفلاج المحلية\nالجهات الحكومية المختصة بموارد المياه",
        blocks=("by-laws",),
        context="تراجع منسوب المياه الجوفية وهجر بعض الأفلاج أهددا الواحات الزراعية.",
        solution="ترميم القنوات مع الحفاظ على أعراف توزيع المياه، وتوثيق معارف الوكلاء المحليين.",
        results="عادت المياه إلى عدد من الأفلاج وبقيت الواحات مزروعة.",
        lessons="نجاح الترميم يعتمد على احترام الأعراف المحلية لتقاسم المياه.",
    ),
    _case(
        "黄海滨海湿地保护与候鸟迁徙",
        "yellow-sea-coastal-wetlands",
        "site",
        "沿海地方政府、科研机构和社区合作保护潮间带湿地，为迁徙水鸟保留停歇地。",
        "CN",
        [1, 3],
        ["marine-terrestrial", "terrestrial-freshwater"],
        ["government", "academia"],
        ["zh-hans"],
        "transboundary",
        (2012, 2023),
        "沿海保护区管理机构\n大学与观鸟协会",
        blocks=("community-monitoring",),
        context="围垦使潮间带面积减少，迁徙水鸟的停歇地受到威胁。",
        solution="停止新的围垦项目，恢复部分养殖塘为湿地，开展志愿者水鸟调查。",
        results="部分关键停歇地得到保护，水鸟数量调查形成长期数据。",
        lessons="跨地区合作和长期监测数据对决策至关重要。",
    ),
    _case(
        "Community-based sea-ice monitoring in Nunavut",
        "sea-ice-monitoring-nunavut",
        "site",
        "Inuit hunters record sea-ice conditions on their travels, and the observations guide safe routes and "
        "research alike.",
        "CA",
        [21, 8],
        ["polar-tundra", "marine"],
        ["iplc", "academia"],
        ["en"],
        "local",
        (2016, 2024),
        "Hunters and trappers organisations\nUniversity partners",
        blocks=("community-monitoring", "mapping"),
        context="Ice conditions changed faster than people's experience could follow, and travel became riskier.",
        solution="Hunters log ice thickness and hazards with simple tools; maps are shared at community meetings.",
        results="Safer travel routes each season and a shared record that the community controls.",
        lessons="The community decides what is recorded and who may use the data.",
    ),
    _case(
        "Corridors pour les pollinisateurs en ville",
        "urban-pollinator-corridors",
        "site",
        "Une ville relie parcs, toits et friches par des bandes fleuries gérées sans pesticides.",
        "FR",
        [12, 7],
        ["urban"],
        ["government", "civil-society"],
        ["fr"],
        "local",
        (2016, 2023),
        "Service des espaces verts\nAssociations de quartier",
        blocks=("community-monitoring",),
        context="Les espaces verts étaient fragmentés et traités aux pesticides.",
        solution="Gestion différenciée, zéro pesticide, et des habitants qui comptent les pollinisateurs.",
        results="Plus d'espèces de pollinisateurs observées sur les sites suivis.",
        lessons="Associer les habitants au suivi fait accepter l'herbe haute.",
    ),
    _case(
        "Pago por servicios ambientales en cuencas de Costa Rica",
        "payments-watershed-services-costa-rica",
        "site",
        "Propietarios reciben pagos por conservar bosque en las cuencas que abastecen de agua a las ciudades.",
        "CR",
        [19, 11],
        ["tropical-forests", "rivers-lakes"],
        ["government", "private-sector"],
        ["es"],
        "national",
        (1997, 2022),
        "Fondo nacional de financiamiento forestal\nEmpresas de agua",
        context="La deforestación amenazaba el abastecimiento de agua.",
        solution="Contratos de pago por conservación y reforestación financiados con una tarifa sobre el agua.",
        results="La cobertura forestal del país se recuperó en las décadas siguientes.",
        lessons="Una fuente de financiamiento estable es clave.",
    ),
    _case(
        "Seed banks run by women farmers in western Kenya",
        "womens-seed-banks-kenya",
        SEEDS_COMMUNITY,
        "Women's groups keep community seed banks of local sorghum, millet and vegetables and lend seed at planting.",
        "KE",
        [4, 13, 23],
        ["agricultural-landscapes", "savannas-grasslands"],
        ["women", "iplc"],
        ["en", "sw"],
        "local",
        (2014, 2024),
        "Women farmers' groups\nCounty agriculture office",
        blocks=("seed-registry", "exchange-visits"),
        context="Certified seed was costly and local varieties were disappearing from fields.",
        solution="Seed banks with a borrowing rule (return twice what you borrow) and seed fairs each year.",
        results="More local varieties planted and seed available after droughts.",
        lessons="Recognition of women as seed keepers by the county opened access to support.",
    ),
    _case(
        "Writing a biocultural community protocol: a facilitator's account",
        "writing-a-community-protocol",
        TK_COMMUNITY,
        "How an assembly wrote down who decides about its knowledge and resources, and how outsiders must ask.",
        "BO",
        [22, 13],
        ["mountains"],
        ["iplc"],
        ["es", "en"],
        "local",
        (2019, 2021),
        "Community assembly",
        blocks=("mapping", "by-laws"),
        context="Researchers and companies asked for knowledge without a clear way to ask the community.",
        solution="A year of meetings led to a written protocol: who decides, how consent is given, and benefits.",
        results="Two research requests have since followed the protocol.",
        lessons="Writing the protocol in the community's language first made it its own.",
    ),
]

TK_CASES = [
    {
        "key": "limited",
        "library": TK_COMMUNITY,
        "title": "Seed-exchange rules of an Andean community",
        "slug": "andean-seed-exchange-rules",
        "summary": "The rules by which families exchange seed between altitudes and seasons, as the community "
        "chose to record them for its members.",
        "solution": "Exchanges follow the agricultural calendar and the family ties described by the elders.",
        "country": "PE",
        "ecosystems": ["mountains", "agricultural-landscapes"],
        "targets": [13, 22],
        "labels": ["tk-attribution", "tk-seasonal", "bc-provenance"],
        "custodians": ["tupac@km4b.example"],
        "audience": Audience.COMMUNITIES,
        "notice_title": "Seed-exchange knowledge of an Andean community",
        "notice_summary": "Shared with the members of the community of practice on community protocols, under "
        "the community's protocol. Ask its custodians for access.",
        "status": ConsentStatus.ACTIVE,
    },
    {
        "key": "requested",
        "library": "site",
        "title": "Early burning calendar of a savanna community",
        "slug": "savanna-fire-knowledge",
        "summary": "When and where the community burns early in the dry season to prevent late, hot fires.",
        "solution": "Burning follows signs in plants and animals that the community's fire keepers read.",
        "country": "AU",
        "ecosystems": ["savannas-grasslands"],
        "targets": [8, 22],
        "labels": ["tk-attribution", "tk-non-commercial", "tk-verified"],
        "custodians": ["aroha@km4b.example"],
        "audience": Audience.COMMUNITIES,
        "notice_title": "Fire knowledge of a savanna community",
        "notice_summary": "Fire management knowledge shared under the holder community's protocol with its "
        "members. Researchers may ask for access.",
        "status": ConsentStatus.ACTIVE,
        "request_from": PRACTITIONER,
    },
    {
        "key": "withdrawn",
        "library": SEEDS_COMMUNITY,
        "title": "Healing uses of wild greens",
        "slug": "wild-greens-uses",
        "summary": "Uses of wild leafy plants gathered by women, recorded with a women's group.",
        "solution": "Gathering and preparation as practised by the group's elders.",
        "country": "IN",
        "ecosystems": ["agricultural-landscapes"],
        "targets": [13],
        "labels": ["tk-women-general", "tk-culturally-sensitive"],
        "custodians": ["priya@km4b.example"],
        "audience": Audience.SIGNED_IN,
        "notice_title": "Women's knowledge of wild greens",
        "notice_summary": "Knowledge of a women's group, shared with signed-in members.",
        "status": ConsentStatus.WITHDRAWN,
        "withdrawal_reason": "The group decided to review what it shares after a commercial request.",
    },
]

COLLECTION = (
    "restoring-ecosystems",
    "Restoring degraded ecosystems",
    "Mangroves, drylands, peatlands and coasts brought back by the people who depend on them.",
    [
        "mangrove-replanting-sundarbans",
        "farmer-managed-natural-regeneration-niger",
        "peatland-rewetting-belarus",
        "yellow-sea-coastal-wetlands",
    ],
)


def _library(parent, key) -> LibraryPage:
    title, slug, intro = LIBRARIES[key]
    existing = parent.get_children().type(LibraryPage).first()
    if existing is not None:
        return existing.specific
    return parent.add_child(instance=LibraryPage(title=title, slug=slug, intro=intro))


def _page(library, data, users) -> tuple[CaseStudyPage, bool]:
    """The case study, created live (not yet published as a revision) when missing; and whether it was."""
    page = CaseStudyPage.objects.child_of(library).filter(slug=data["slug"]).first()
    if page is not None:
        return page, False
    start, end = data.get("period") or (None, None)
    page = CaseStudyPage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        context=data.get("context", ""),
        solution=data.get("solution", ""),
        results=data.get("results", ""),
        lessons=data.get("lessons", ""),
        country=data["country"],
        scale=data.get("scale", "local"),
        period_start=datetime.date(start, 1, 1) if start else None,
        period_end=datetime.date(end, 12, 31) if end else None,
        organisations=data.get("organisations", ""),
        licence="cc-by-4.0" if "key" not in data else "all-rights-reserved",
        holds_traditional_knowledge="key" in data,
        submitted_by=users.get(ORGANISER),
        attribution="" if "key" not in data else "Recorded with and owned by the holder community.",
    )
    page.gbf_targets = list(GBFTarget.objects.filter(number__in=data["targets"]))
    page.ecosystems = list(Ecosystem.objects.filter(slug__in=data["ecosystems"]))
    page.stakeholder_groups = list(
        StakeholderGroup.objects.filter(slug__in=data.get("stakeholders", ["iplc"]))
    )
    page.languages = list(Language.objects.filter(code__in=data.get("languages", ["en"])))
    page.km_components = list(KMComponent.objects.filter(slug__in=["sharing", "use"]))
    page.labels = list(Label.objects.filter(code__in=data.get("labels", [])))
    library.add_child(instance=page)
    return page, True


def _blocks(site_library, users) -> dict:
    blocks = {}
    for key, (title, summary, body, enabling) in BLOCKS.items():
        block, _created = BuildingBlock.objects.get_or_create(
            title=title,
            library=site_library,
            defaults={
                "summary": summary,
                "body": body,
                "enabling_factors": enabling,
                "status": BuildingBlockStatus.PUBLISHED,
                "author": users.get(ORGANISER),
            },
        )
        blocks[key] = block
    return blocks


def _consent(page, data, communities, users) -> ConsentRecord:
    consent = ConsentRecord.objects.filter(case_study=page).first()
    if consent is not None:
        return consent
    holder = (
        communities.get(TK_COMMUNITY)
        if data["library"] != SEEDS_COMMUNITY
        else communities.get(SEEDS_COMMUNITY)
    )
    consent = ConsentRecord.objects.create(
        case_study=page,
        holder_community=holder,
        consented_by="Assembly of the holder community",
        consenter_role="Elected representatives",
        consented_on=datetime.date(2025, 9, 15),
        process=ConsentProcess.ASSEMBLY,
        scope_parts="The whole case study",
        allow_view=True,
        allow_cite=True,
        audience=data["audience"],
        notice_title=data["notice_title"],
        notice_summary=data["notice_summary"],
        conditions="Cite the holder community; no commercial use.",
        status=ConsentStatus.ACTIVE,
    )
    consent.custodians.set([users[email] for email in data["custodians"] if email in users])
    if holder is not None:
        consent.audience_communities.set([holder])
    custodian = users.get(data["custodians"][0])
    ConsentLogEntry.objects.create(consent=consent, actor=custodian, action=ConsentAction.CREATED, details={})
    requester = users.get(data.get("request_from", ""))
    if requester is not None:
        AccessRequest.objects.get_or_create(
            case_study=page,
            requester=requester,
            status=AccessRequestStatus.PENDING,
            defaults={
                "message": "I coordinate a fire-management study with rangers; may I read the calendar?"
            },
        )
        ConsentLogEntry.objects.create(
            consent=consent, actor=requester, action=ConsentAction.ACCESS_REQUESTED, details={}
        )
    return consent


def _withdraw(consent, data, users) -> None:
    """The withdrawn item: published under consent first, then withdrawn by its custodian."""
    custodian = users.get(data["custodians"][0])
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = custodian
    consent.withdrawal_reason = data["withdrawal_reason"]
    consent.version += 1
    consent.save()
    ConsentLogEntry.objects.create(
        consent=consent,
        actor=custodian,
        action=ConsentAction.WITHDRAWN,
        details={"reason": data["withdrawal_reason"]},
    )


def seed(context: dict, stdout=None) -> dict:
    users = context["users"]
    communities = {
        slug: CommunityPage.objects.filter(slug=slug).first() for slug in (TK_COMMUNITY, SEEDS_COMMUNITY)
    }
    libraries = {"site": _library(context["home"], "site")}
    for slug, community in communities.items():
        if community is not None:
            libraries[slug] = _library(community, slug)
    blocks = _blocks(libraries["site"], users)
    pages = {}
    for data in CASE_STUDIES:
        library = libraries.get(data["library"])
        if library is None:
            continue
        page, created = _page(library, data, users)
        if created:
            page.save_revision().publish()
        pages[data["slug"]] = page
        for order, key in enumerate(data["blocks"]):
            CaseStudyBlockUse.objects.get_or_create(
                case_study=page, block=blocks[key], defaults={"sort_order": order}
            )
    for data in TK_CASES:
        library = libraries.get(data["library"])
        if library is None:
            continue
        page, created = _page(library, data, users)
        consent = _consent(page, data, communities, users)
        if created:
            page.save_revision().publish()  # under active consent (cop.library.publication)
            if data["status"] == ConsentStatus.WITHDRAWN:
                _withdraw(consent, data, users)
        pages[data["slug"]] = page
    slug, title, description, members = COLLECTION
    collection, _created = LibraryCollection.objects.get_or_create(
        library=libraries["site"], slug=slug, defaults={"title": title, "description": description}
    )
    for order, page_slug in enumerate(members):
        if page_slug in pages:
            LibraryCollectionItem.objects.get_or_create(
                collection=collection, case_study=pages[page_slug], defaults={"sort_order": order}
            )
    # Shared from the site: one waiting for the editors, one sent back with their comment.
    submissions = demo_submissions.seed(libraries["site"], users)
    context["libraries"] = libraries
    if stdout is not None:
        stdout.write(
            f"Case-study libraries: {len(libraries)}, case studies: {len(pages)}, "
            f"shared from the site and under review: {len(submissions)}"
        )
    return context
