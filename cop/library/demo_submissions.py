"""Demo case studies shared from the site (called by cop.library.demo.seed): one submitted and waiting
for the library editors, one the editors sent back with a comment. Made through the site's own services
(cop.library.services.submission) and Wagtail's workflow, as a member would; looked up by title first,
so running the demo again adds nothing. The organiser is made a library editor."""

import datetime

from django.contrib.auth.models import Group

from cop.models import GBFTarget

from .models import CaseStudyPage, Ecosystem
from .services.submission import case_study_draft_create, case_study_submit
from .workflow import EDITORS_GROUP, library_workflow

ORGANISER = "organiser@km4b.example"

SUBMISSIONS = [
    {
        "by": "practitioner@km4b.example",
        "title": "Counting birds in city parks with schoolchildren",
        "summary": "Pupils of twelve schools count birds in their neighbourhood parks each season; the city "
        "uses the counts to plan mowing and planting.",
        "context": "The city had no data on the birds of its small parks, and mowed them all the same way.",
        "solution": "Teachers trained by volunteers run a **one-hour count** each season, entered in a shared "
        "sheet that the parks department reads.",
        "country": "KE",
        "scale": "local",
        "targets": [12, 21],
        "ecosystems": ["urban"],
        "review": None,
    },
    {
        "by": "james@km4b.example",
        "title": "Community scouts against snaring",
        "summary": "Scouts recruited from villages bordering a reserve remove snares and report poaching.",
        "context": "Snaring for bushmeat was killing elephants and lions near the reserve's edge.",
        "solution": "Village committees choose the scouts; the wildlife service trains and pays them.",
        "country": "KE",
        "scale": "subnational",
        "targets": [4, 5],
        "ecosystems": ["savannas-grasslands"],
        "review": "Please add the results: how many snares were removed, and what changed for the "
        "villages. Say also who funds the scouts now.",
    },
]


def _editor(users):
    organiser = users.get(ORGANISER)
    if organiser is not None:
        library_workflow()  # creates the editors' group when needed
        organiser.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return organiser


def seed(library, users) -> list[CaseStudyPage]:
    """The demo submissions in the site-wide `library`; returns them."""
    editor = _editor(users)
    pages = []
    for data in SUBMISSIONS:
        author = users.get(data["by"])
        if author is None:
            continue
        page = CaseStudyPage.objects.child_of(library).filter(title=data["title"]).first()
        if page is None:
            page = case_study_draft_create(
                user=author,
                library=library,
                values={
                    "title": data["title"],
                    "summary": data["summary"],
                    "context": data["context"],
                    "solution": data["solution"],
                    "country": data["country"],
                    "scale": data["scale"],
                    "period_start": datetime.date(2022, 1, 1),
                    "licence": "cc-by-4.0",
                },
                relations={
                    "gbf_targets": GBFTarget.objects.filter(number__in=data["targets"]),
                    "ecosystems": Ecosystem.objects.filter(slug__in=data["ecosystems"]),
                },
            )
            case_study_submit(user=author, page=page)
            if data["review"] and editor is not None:
                page = CaseStudyPage.objects.get(pk=page.pk)
                page.current_workflow_task.on_action(
                    page.current_workflow_task_state, editor, "reject", comment=data["review"]
                )
        pages.append(page)
    return pages
