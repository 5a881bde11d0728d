from django.urls import path

from .views import curated, data_rights, exchange, maps, matches, open_schema, organisations, profiles

app_name = "cop_network"


def _exchange_urls(kind: str) -> list:
    base = f"network/{kind}s/"
    item = base + "<id:item_id>/"
    extra = {"kind": kind}
    return [
        path(base, exchange.exchange_list, extra, name=f"{kind}s"),
        path(base + "new/", exchange.exchange_edit, extra, name=f"{kind}_create"),
        path(item, exchange.exchange_detail, extra, name=kind),
        path(item + "murmurations.json", open_schema.exchange_json, extra, name=f"{kind}_json"),
        path(item + "edit/", exchange.exchange_edit, extra, name=f"{kind}_edit"),
        path(item + "close/", exchange.exchange_close_view, extra, name=f"{kind}_close"),
        path(item + "moderate/", exchange.exchange_moderate_view, extra, name=f"{kind}_moderate"),
        path(item + "interest/", exchange.express_interest, extra, name=f"{kind}_interest"),
        path(item + "hide/<id:other_id>/", exchange.suggestion_hide, extra, name=f"{kind}_hide"),
    ]


urlpatterns = [
    path("network/", profiles.directory, name="directory"),
    path("people/<id:user_id>/", profiles.profile, name="profile"),
    path("people/<id:user_id>/photo/", profiles.photo, name="photo"),
    path("people/<id:user_id>/murmurations.json", open_schema.profile_json, name="profile_json"),
    path("people/<id:user_id>/contact/", profiles.contact, name="contact"),
    path("me/network-profile/", profiles.profile_edit, name="profile_edit"),
    path("network/organisations/", organisations.organisation_list, name="organisations"),
    path(
        "network/organisations/<id:organisation_id>/", organisations.organisation_detail, name="organisation"
    ),
    path(
        "network/organisations/<id:organisation_id>/murmurations.json",
        open_schema.organisation_json,
        name="organisation_json",
    ),
    path(
        "network/organisations/<id:organisation_id>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "network/organisations/<id:organisation_id>/claim/",
        organisations.organisation_claim,
        name="organisation_claim",
    ),
    path("network/claims/", organisations.claim_list, name="claims"),
    path("network/claims/<id:claim_id>/decide/", organisations.claim_decide, name="claim_decide"),
    *_exchange_urls("need"),
    *_exchange_urls("offer"),
    path("network/moderation/", exchange.moderation, name="moderation"),
    path("network/mine/", exchange.my_exchanges, name="mine"),
    path("network/matches/", matches.match_board, name="matches"),
    path("network/matches/<id:match_id>/", matches.match_detail, name="match"),
    path("network/matches/<id:match_id>/step/", matches.match_transition_view, name="match_transition"),
    path("network/matches/<id:match_id>/public/", matches.match_agree, name="match_agree"),
    path("network/cooperations/", matches.cooperations, name="cooperations"),
    path("network/map/", maps.network_map_view, name="map"),
    path("network/export.csv", data_rights.directory_export, name="directory_export"),
    path("me/data/", data_rights.my_data, name="my_data"),
    path("me/data/download/", data_rights.my_data_download, name="my_data_download"),
    path("network/curated/", curated.curated_list, name="curated"),
    path("network/curated/<id:entry_id>/invite/", curated.curated_invite, name="curated_invite"),
    path("network/claim/<text:token>/", curated.curated_claim, name="curated_claim"),
]
