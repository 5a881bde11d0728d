from django.urls import path

from . import views

app_name = "forums"
urlpatterns = [
    path("", views.index, name="index"),
    path("b/<str:slug>/", views.board, name="board"),
    path("b/<str:slug>/new/", views.thread_create, name="thread_create"),
    path("b/<str:slug>/watch/", views.board_watch, name="board_watch"),
    path("b/<str:slug>/moderation/", views.board_queue, name="board_queue"),
    path("b/<str:slug>/mentions/", views.mention_search, name="mention_search"),
    path("t/<int:pk>/", views.thread, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/reply/form/", views.reply_form, name="reply_form"),
    path("t/<int:pk>/unread/", views.thread_unread, name="thread_unread"),
    path("t/<int:pk>/watch/", views.thread_watch, name="thread_watch"),
    path("t/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("t/<int:pk>/move/", views.thread_move, name="thread_move"),
    path("t/<int:pk>/unaccept/", views.thread_unaccept, name="thread_unaccept"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/react/", views.post_react, name="post_react"),
    path("p/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path("p/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("p/<int:pk>/accept/", views.post_accept, name="post_accept"),
    path("a/<int:pk>/<str:name>", views.attachment, name="attachment"),
    path("tags/<str:slug>/watch/", views.tag_watch, name="tag_watch"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("moderation/", views.global_queue, name="global_queue"),
    path("moderation/flags/<int:pk>/", views.flag_resolve, name="flag_resolve"),
]
