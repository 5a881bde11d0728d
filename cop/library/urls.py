from django.urls import path

from .views import blocks, case_study, consent, fair, listing, submission

app_name = "cop_library"

urlpatterns = [
    path("", listing.site_library, name="index"),
    path("blocks/<id:pk>/", blocks.block_detail, name="block"),
    path("case-studies/<id:pk>/", case_study.item_by_id, name="item"),
    # Sharing a case study from the site (cop.library.services.submission).
    path("share/<id:library_id>/", submission.share, name="share"),
    path("mine/", submission.my_case_studies, name="my_case_studies"),
    path("mine/<id:pk>/", submission.edit, name="submission_edit"),
    path("mine/<id:pk>/preview/", submission.preview, name="submission_preview"),
    path("mine/<id:pk>/submit/", submission.submit, name="submission_submit"),
    path("review/<id:pk>/", submission.holder_review, name="holder_review"),
    path("review/<id:pk>/preview/", submission.holder_review_preview, name="holder_review_preview"),
    # FAIR: machine-readable metadata of public items (cop.library.fair).
    path("case-studies/<id:pk>/datacite.json", fair.case_study_datacite_json, name="datacite_json"),
    path("case-studies/<id:pk>/datacite.xml", fair.case_study_datacite_xml, name="datacite_xml"),
    path("blocks/<id:pk>/datacite.json", fair.block_datacite_json, name="block_datacite_json"),
    path("blocks/<id:pk>/datacite.xml", fair.block_datacite_xml, name="block_datacite_xml"),
    path("<id:library_id>/export.json", fair.library_export_json, name="export_json"),
    path("<id:library_id>/export.csv", fair.library_export_csv, name="export_csv"),
    # The consent lifecycle: custodians' pages and the access request (kind: "case-study" or "block").
    path("consent/mine/", consent.my_custodianship, name="my_custodianship"),
    path("consent/requests/<id:request_id>/decide/", consent.access_decide, name="access_decide"),
    path("consent/<uslug:kind>/<id:pk>/", consent.consent_manage, name="consent_manage"),
    path("consent/<uslug:kind>/<id:pk>/edit/", consent.consent_edit, name="consent_edit"),
    path("consent/<uslug:kind>/<id:pk>/narrow/", consent.consent_narrow, name="consent_narrow"),
    path("consent/<uslug:kind>/<id:pk>/withdraw/", consent.consent_withdraw, name="consent_withdraw"),
    path("consent/<uslug:kind>/<id:pk>/restore/", consent.consent_restore, name="consent_restore"),
    path("consent/<uslug:kind>/<id:pk>/custodians/add/", consent.custodian_add, name="custodian_add"),
    path(
        "consent/<uslug:kind>/<id:pk>/custodians/<id:person_id>/remove/",
        consent.custodian_remove,
        name="custodian_remove",
    ),
    path("consent/<uslug:kind>/<id:pk>/request-access/", consent.access_request, name="access_request"),
]
