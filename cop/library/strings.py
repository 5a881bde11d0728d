"""The library's vocabulary names and meanings as they stand in cop/library/data/*.json, marked for
makemessages so that the catalogues translate them (Label.display_name and friends call gettext on the
stored English). tests/library/test_vocabularies.py checks that this list matches the data files."""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("TK Attribution"),
    gettext_noop(
        "This Label is used to correct historical mistakes or exclusions in the naming of the people who made or performed this material, or of the community it comes from. Anyone using it is asked to apply the correct attribution in any future use."
    ),
    gettext_noop("TK Non-Commercial"),
    gettext_noop(
        "This material is available for non-commercial use only: research, study, teaching or public presentation, and non-commercial websites. Users are asked to act fairly and responsibly towards the material and its original custodians."
    ),
    gettext_noop("TK Secret / Sacred"),
    gettext_noop(
        "This material holds secret or sacred knowledge with specific cultural restrictions on access and use. It is not to be freely circulated; contact the community to ask about appropriate use."
    ),
    gettext_noop("TK Seasonal"),
    gettext_noop(
        "This material is traditionally heard, used or shared only at certain times of the year, or has connections to seasonal events. Users are asked to respect those times."
    ),
    gettext_noop("TK Verified"),
    gettext_noop(
        "The community affirms that its protocols for access to and use of this material have been followed, and that it is satisfied with how the material is displayed."
    ),
    gettext_noop("TK Non-Verified"),
    gettext_noop(
        "The community has concerns about the accuracy of this material or about how it is represented, or the community protocols were not followed when it was collected."
    ),
    gettext_noop("TK Community Voice"),
    gettext_noop(
        "This material is open to the community's own voice: its members are invited to add their stories, knowledge and corrections to enhance the record."
    ),
    gettext_noop("TK Outreach"),
    gettext_noop(
        "The community has designated this material for educational outreach: it may be used in teaching and awareness activities that respect its origin."
    ),
    gettext_noop("TK Family"),
    gettext_noop(
        "This material is traditionally restricted to particular families or kin; access beyond them needs the family's permission."
    ),
    gettext_noop("TK Men General"),
    gettext_noop(
        "This material is traditionally used and shared among men; it is not restricted to particular men, and others are asked to respect this protocol."
    ),
    gettext_noop("TK Women General"),
    gettext_noop(
        "This material is traditionally used and shared among women; it is not restricted to particular women, and others are asked to respect this protocol."
    ),
    gettext_noop("TK Culturally Sensitive"),
    gettext_noop(
        "This material is culturally sensitive: users are asked to treat it with respect, take care in how it is shared, and contact the community about appropriate use."
    ),
    gettext_noop("TK Open to Commercialization"),
    gettext_noop(
        "The community is open to commercial use of this material, provided fair and equitable terms, including benefit-sharing, are negotiated with it first."
    ),
    gettext_noop("TK Multiple Communities"),
    gettext_noop(
        "Several communities hold rights in, or responsibilities for, this material; no single community speaks for it alone."
    ),
    gettext_noop("TK Creative"),
    gettext_noop(
        "This Label marks a creative work derived from traditional knowledge, acknowledging the relationship between the new work and the community it draws on."
    ),
    gettext_noop("BC Provenance"),
    gettext_noop(
        "The community is the primary cultural authority for this material and its origin; its rights to define how it is used continue wherever the material goes."
    ),
    gettext_noop("BC Consent Verified"),
    gettext_noop(
        "The community has verified that free, prior and informed consent was given for the collection and use of this material or data."
    ),
    gettext_noop("BC Consent Non-Verified"),
    gettext_noop(
        "Consent for this material or data has not been verified by the community; it may be used, but the community asks to be approached about its use."
    ),
    gettext_noop("BC Multiple Communities"),
    gettext_noop(
        "Several communities have rights in, or responsibilities for, this material or data, and each should be recognised."
    ),
    gettext_noop("BC Clan"),
    gettext_noop(
        "This material or data belongs to a particular clan or group within the community and is governed by that clan's protocols."
    ),
    gettext_noop("BC Outreach"),
    gettext_noop(
        "The community allows this material or data to be used for education and outreach activities."
    ),
    gettext_noop("BC Research Use"),
    gettext_noop(
        "The community allows this material or data to be used for research purposes that were not specified when it was collected."
    ),
    gettext_noop("BC Open to Collaboration"),
    gettext_noop(
        "The community welcomes research partnerships and collaboration about this material or data."
    ),
    gettext_noop("BC Open to Commercialization"),
    gettext_noop(
        "The community is open to commercial uses of this material or data, on terms, including benefit-sharing, agreed with it first."
    ),
    gettext_noop("TK Notice"),
    gettext_noop(
        "A visible notice that there are cultural rights and responsibilities attached to this material that need further attention before any future sharing or use; TK Labels may be in development with the community."
    ),
    gettext_noop("BC Notice"),
    gettext_noop(
        "A visible notice that Indigenous peoples and local communities have rights to decide how information, collections, data and digital sequence information from their lands, waters and territories are used."
    ),
    gettext_noop("Attribution Incomplete Notice"),
    gettext_noop(
        "The attribution of this material is incomplete, inaccurate or missing; it is marked so that the communities of origin can correct or complete it."
    ),
    gettext_noop("Open to Collaborate Notice"),
    gettext_noop(
        "The institution or platform holding this material is committed to new ways of collaborating with Indigenous peoples and local communities in its care and stewardship."
    ),
    gettext_noop("Terrestrial realm"),
    gettext_noop("Freshwater realm"),
    gettext_noop("Marine realm"),
    gettext_noop("Subterranean realm"),
    gettext_noop("Atmospheric realm"),
    gettext_noop("Coasts (marine-terrestrial)"),
    gettext_noop("Estuaries and brackish waters (freshwater-marine)"),
    gettext_noop("Wetlands (terrestrial-freshwater)"),
    gettext_noop("Tropical and subtropical forests"),
    gettext_noop("Temperate and boreal forests"),
    gettext_noop("Savannas and grasslands"),
    gettext_noop("Deserts and semi-deserts"),
    gettext_noop("Mountains and polar alpine"),
    gettext_noop("Rivers and lakes"),
    gettext_noop("Peatlands"),
    gettext_noop("Mangroves"),
    gettext_noop("Coral reefs"),
    gettext_noop("Open ocean"),
    gettext_noop("Agricultural landscapes"),
    gettext_noop("Urban ecosystems"),
    gettext_noop("Polar and tundra"),
]
