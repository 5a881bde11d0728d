from .blocks import BuildingBlock, BuildingBlockStatus
from .case_study_parts import CaseStudyBlockUse, CaseStudyResource
from .choices import Licence, Scale
from .collections import LibraryCollection, LibraryCollectionItem
from .consent import (
    AccessRequest,
    AccessRequestStatus,
    Audience,
    ConsentAction,
    ConsentLogEntry,
    ConsentProcess,
    ConsentRecord,
    ConsentStatus,
    RestrictedView,
)
from .pages import CaseStudyPage, LibraryPage
from .vocabularies import Ecosystem, Label, LabelKind
from .workflow import HolderCommunityReviewTask

__all__ = [
    "AccessRequest",
    "AccessRequestStatus",
    "Audience",
    "BuildingBlock",
    "BuildingBlockStatus",
    "CaseStudyBlockUse",
    "CaseStudyPage",
    "CaseStudyResource",
    "ConsentAction",
    "ConsentLogEntry",
    "ConsentProcess",
    "ConsentRecord",
    "ConsentStatus",
    "Ecosystem",
    "Label",
    "LabelKind",
    "LibraryCollection",
    "LibraryCollectionItem",
    "LibraryPage",
    "HolderCommunityReviewTask",
    "Licence",
    "RestrictedView",
    "Scale",
]
