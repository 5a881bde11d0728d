"""Demo forums: the site forums and the community boards, with threads and replies in several languages,
a question with an accepted answer, a post waiting for approval and flags in the moderation queue.
Idempotent: a thread is found by its board and title and never created twice."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from cop.models import CommunityPage, GBFTarget

from . import services
from .models import Board, EmailFrequency, NotificationSettings, Post, Thread

ORGANISER = "organiser@km4b.example"
LUCIA = "practitioner@km4b.example"
LAYLA = "layla@km4b.example"
WEI = "wei@km4b.example"
OLGA = "olga@km4b.example"
TUPAC = "tupac@km4b.example"
AROHA = "aroha@km4b.example"
JAMES = "james@km4b.example"
PRIYA = "priya@km4b.example"
MARIE = "marie@km4b.example"
PROMO = "offers@greenoffsets.example"

SITE_FORUMS = [
    (
        "km4b-general",
        "KM4B general",
        "News, introductions and open discussion for everyone in the KM4B network.",
    ),
    (
        "help-desk",
        "Help desk",
        "Questions about using KM4B Communities: accounts, languages, posting, notifications.",
    ),
]

# Each thread: board slug, title, author, kind, tags, GBF targets, days ago, body, replies
# (author, body, flagged_by), the index of the accepted reply (or None), pinned.
THREADS = [
    {
        "board": "km4b-general",
        "title": "Welcome! Introduce yourself and your work",
        "author": ORGANISER,
        "kind": "discussion",
        "tags": ["introductions"],
        "targets": [],
        "days": 12,
        "pinned": True,
        "body": (
            "Welcome to **KM4B Communities**, the meeting place for people who manage biodiversity "
            "knowledge.\n\nTell us who you are, where you work and which GBF targets keep you busy. "
            "Write in the language you prefer: many of us read several."
        ),
        "replies": [
            (
                LUCIA,
                "¡Hola a todas y todos! Soy Lucía, trabajo en el CHM de Colombia. Me interesa sobre todo la "
                "**Meta 21** (información y conocimiento para la toma de decisiones).",
                [],
            ),
            (
                LAYLA,
                "مرحباً بالجميع! أنا ليلى من عمّان، أعمل على شبكات المعرفة في المنطقة العربية وعلى "
                "إشراك الشباب في تنفيذ الإطار العالمي للتنوع البيولوجي.",
                [],
            ),
            (WEI, "大家好！我是王伟，在上海从事生物多样性数据管理工作，很高兴认识大家。", []),
            (
                OLGA,
                "Всем привет! Я Ольга из Москвы, занимаюсь национальной стратегией и планом действий "
                "по сохранению биоразнообразия (НСПДСБ).",
                [],
            ),
            (
                MARIE,
                "Bonjour à toutes et à tous ! Marie, de Paris : je coordonne un réseau d'aires protégées "
                "et je m'intéresse à la **cible 3**.",
                [],
            ),
            (
                PROMO,
                "Buy certified carbon offsets now, 50% off this week only! Visit our website and "
                "green your footprint today!!!",
                [LUCIA, WEI],
            ),
        ],
        "accepted": None,
    },
    {
        "board": "km4b-general",
        "title": "Which tools do you use to map who holds knowledge?",
        "author": JAMES,
        "kind": "discussion",
        "tags": ["knowledge-mapping", "tools"],
        "targets": [21],
        "days": 6,
        "body": (
            "In Kenya we are mapping who knows what about wetlands: researchers, county officers, "
            "community elders. We started with a spreadsheet, which is already too small.\n\n"
            "What do you use? Anything that works **offline** is a plus."
        ),
        "replies": [
            (
                PRIYA,
                "We use a simple graph in a shared spreadsheet plus a quarterly interview round. "
                "The interviews matter more than the tool.",
                [],
            ),
            (
                AROHA,
                "Before any tool: ask the knowledge holders how *they* want to be represented, "
                "and whether at all. Some knowledge is not for a map.",
                [],
            ),
            (JAMES, "@[Aroha Ngata] very good point, thank you. We will add a consent step.", []),
        ],
        "accepted": None,
    },
    {
        "board": "help-desk",
        "title": "How do I read the site in another language?",
        "author": JAMES,
        "kind": "question",
        "tags": ["languages"],
        "targets": [],
        "days": 9,
        "body": "A colleague prefers Arabic. Can she read the whole site in Arabic, and will e-mails follow?",
        "replies": [
            (
                ORGANISER,
                "Yes: choose the language in the header, or set your **preferred language** in "
                "*Profile and preferences*. E-mails use the preferred language too.",
                [],
            ),
            (LAYLA, "أستخدم الموقع باللغة العربية يومياً، والاتجاه من اليمين إلى اليسار يعمل بشكل جيد.", []),
        ],
        "accepted": 0,
    },
    {
        "board": "help-desk",
        "title": "¿Cómo adjunto un informe en PDF a una respuesta?",
        "author": TUPAC,
        "kind": "question",
        "tags": ["adjuntos"],
        "targets": [],
        "days": 4,
        "body": "Quiero compartir el informe de nuestra comunidad sobre semillas nativas. ¿Es posible?",
        "replies": [
            (
                LUCIA,
                "Sí: debajo del mensaje hay una sección **Archivos adjuntos**. Se aceptan PDF, documentos "
                "de Office u OpenDocument e imágenes (hasta 5 archivos de 5 MB). Las imágenes necesitan un "
                "texto alternativo.",
                [],
            ),
        ],
        "accepted": 0,
    },
    {
        "board": "national-clearing-house-mechanisms",
        "title": "Keeping a national CHM up to date with a small team",
        "author": LUCIA,
        "kind": "question",
        "tags": ["chm", "content-management"],
        "targets": [20, 21],
        "days": 8,
        "body": (
            "Our CHM team is two people. Content ages fast: events, reports, contacts.\n\n"
            "- How often do you review?\n- Do partners publish directly?\n\n"
            "Any routine that works is welcome."
        ),
        "replies": [
            (
                MARIE,
                "Chez nous, chaque partenaire publie directement ses actualités ; nous relisons une fois "
                "par mois. Une **liste de contrôle** trimestrielle couvre les pages de fond.",
                [],
            ),
            (WEI, "我们每季度检查一次所有链接，并请合作伙伴每年更新一次联系信息。", []),
            (OLGA, "Мы ведём календарь публикаций и назначаем ответственного за каждый раздел сайта.", []),
            (
                JAMES,
                "Partner publishing plus a monthly review, as Marie says, saved us most of the work.",
                [],
            ),
        ],
        "accepted": 0,
    },
    {
        "board": "youth-for-biodiversity",
        "title": "Collecting youth input for COP17",
        "author": LAYLA,
        "kind": "discussion",
        "tags": ["cop17", "youth"],
        "targets": [22],
        "days": 3,
        "body": "Let's gather what young practitioners want to see in the next national reports. One idea per reply!",
        "replies": [
            (AROHA, "Recognise youth-led monitoring data in national reporting.", []),
            (MARIE, "Des bourses pour que les jeunes des pays du Sud puissent assister aux réunions.", []),
            (TUPAC, "Incluir a la juventud indígena en los comités nacionales de biodiversidad.", []),
            (TUPAC, "¿Alguien vio el partido de fútbol anoche? ⚽", [AROHA]),
        ],
        "accepted": None,
    },
    {
        "board": "traditional-knowledge-community-protocols",
        "title": "Writing a biocultural community protocol: where to start",
        "author": TUPAC,
        "kind": "discussion",
        "tags": ["protocols", "fpic"],
        "targets": [22],
        "days": 5,
        "body": (
            "Our community wants to write its protocol before the next access request arrives. "
            "We want the elders' voice first. How did you organise the conversations?"
        ),
        "replies": [
            (
                AROHA,
                "We held the first three meetings without any outside organisation in the room. "
                "Writing came much later.",
                [],
            ),
            (PRIYA, "Could you share a template? We are starting the same process in Tamil Nadu.", []),
        ],
        "accepted": None,
    },
    {
        "board": "arab-region-biodiversity-knowledge",
        "title": "تبادل الخبرات حول قواعد بيانات الأنواع المهددة",
        "author": LAYLA,
        "kind": "discussion",
        "tags": ["قواعد-البيانات"],
        "targets": [4],
        "days": 2,
        "body": "ما هي قواعد البيانات التي تستخدمونها لمتابعة الأنواع المهددة بالانقراض في بلدانكم؟",
        "replies": [
            (
                ORGANISER,
                "Au Sénégal, nous utilisons la Liste rouge nationale et un tableur partagé avec les "
                "parcs. Je peux présenter notre méthode lors d'un prochain webinaire.",
                [],
            ),
        ],
        "accepted": None,
    },
]


def _board_for(slug: str, communities: dict) -> Board | None:
    board = Board.objects.filter(slug=slug).first()
    if board is not None:
        return board
    community = communities.get(slug) or CommunityPage.objects.filter(slug=slug).first()
    return services.board_ensure_for_community(community=community) if community else None


def _quiet_email(user) -> None:
    # Demo accounts get the daily digest, so that seeding does not print a pile of e-mails.
    NotificationSettings.objects.get_or_create(user=user, defaults={"email_frequency": EmailFrequency.DAILY})


def _backdate(thread: Thread, days: int) -> None:
    start = timezone.now() - timedelta(days=days)
    posts = list(Post.objects.filter(thread=thread).order_by("number"))
    step = timedelta(days=days) / (len(posts) + 1)
    for index, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=start + step * index)
    Thread.objects.filter(pk=thread.pk).update(created_at=start)
    thread.refresh_from_db()
    services.thread_refresh(thread)


def _seed_thread(data: dict, board: Board, users: dict) -> bool:
    if Thread.objects.filter(board=board, title=data["title"]).exists():
        return False
    targets = GBFTarget.objects.filter(number__in=data["targets"])
    thread = services.thread_create(
        board=board,
        author=users[data["author"]],
        title=data["title"],
        body=data["body"],
        kind=data["kind"],
        tags=data["tags"],
        gbf_targets=list(targets),
    )
    replies = []
    for author, body, flagged_by in data["replies"]:
        post = services.post_create(thread=thread, author=users[author], body=body)
        replies.append(post)
        for reporter in flagged_by:
            services.flag_create(
                post=post, reporter=users[reporter], reason="spam" if author == PROMO else "off_topic"
            )
    if data["accepted"] is not None:
        services.answer_accept(post=replies[data["accepted"]], actor=users[data["author"]])
    if data.get("pinned"):
        services.thread_moderate(
            thread=thread, moderator=users[ORGANISER], action="pin", reason="Welcome thread"
        )
    if len(replies) > 1:
        services.reaction_add(post=replies[0], user=users[data["author"]], kind="thanks")
    _backdate(thread, data["days"])
    return True


def seed(context: dict, stdout=None) -> dict:
    """The forum demo content; `context` comes from home.demo.seed (its users and ensure_user) and
    cop.demo (the communities)."""
    users = dict(context["users"])
    users[PROMO] = context["ensure_user"](PROMO, "Green Offsets Ltd", "en", "UTC", False)
    for user in users.values():
        _quiet_email(user)
    for order, (slug, name, description) in enumerate(SITE_FORUMS):
        services.board_ensure_site_forum(name=name, slug=slug, description=description, sort_order=order)
    communities = context.get("communities") or {}
    for community in communities.values() if communities else CommunityPage.objects.all():
        services.board_ensure_for_community(community=community)
    created = 0
    # Demo accounts are brand new: the new-account rate limit would stop the seeding half-way.
    with override_settings(FORUMS_NEW_ACCOUNT_DAYS=0):
        for data in THREADS:
            board = _board_for(data["board"], communities)
            if board is not None:
                created += _seed_thread(data, board, users)
    services.watch_set(user=users[LUCIA], board=Board.objects.get(slug="km4b-general"), active=True)
    context["forum_boards"] = {b.slug: b for b in Board.objects.all()}
    if stdout is not None:
        stdout.write(f"Forums: {Board.objects.count()} boards, {created} new threads.")
    return context
