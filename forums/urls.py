from django.urls import path

from . import views

app_name = "forums"
urlpatterns = [
    path("", views.index, name="index"),
    path("b/<text:slug>/", views.board, name="board"),
    path("b/<text:slug>/new/", views.thread_create, name="thread_create"),
    path("b/<text:slug>/watch/", views.board_watch, name="board_watch"),
    path("b/<text:slug>/moderation/", views.board_queue, name="board_queue"),
    path("b/<text:slug>/mentions/", views.mention_search, name="mention_search"),
    path("t/<id:pk>/", views.thread, name="thread"),
    path("t/<id:pk>/reply/", views.reply, name="reply"),
    path("t/<id:pk>/reply/form/", views.reply_form, name="reply_form"),
    path("t/<id:pk>/unread/", views.thread_unread, name="thread_unread"),
    path("t/<id:pk>/watch/", views.thread_watch, name="thread_watch"),
    path("t/<id:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("t/<id:pk>/move/", views.thread_move, name="thread_move"),
    path("t/<id:pk>/unaccept/", views.thread_unaccept, name="thread_unaccept"),
    path("p/<id:pk>/", views.post_permalink, name="post"),
    path("p/<id:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<id:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<id:pk>/history/", views.post_history, name="post_history"),
    path("p/<id:pk>/react/", views.post_react, name="post_react"),
    path("p/<id:pk>/flag/", views.post_flag, name="post_flag"),
    path("p/<id:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("p/<id:pk>/accept/", views.post_accept, name="post_accept"),
    path("a/<id:pk>/<text:name>", views.attachment, name="attachment"),
    path("tags/<text:slug>/watch/", views.tag_watch, name="tag_watch"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("unsubscribe/<text:token>/", views.unsubscribe, name="unsubscribe"),
    path("moderation/", views.global_queue, name="global_queue"),
    path("moderation/flags/<id:pk>/", views.flag_resolve, name="flag_resolve"),
]
