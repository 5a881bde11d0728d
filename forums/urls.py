from django.urls import path

from .views import boards, following, moderation, notifications, posts, threads

app_name = "forums"
urlpatterns = [
    path("", boards.index, name="index"),
    path("b/<text:slug>/", boards.board, name="board"),
    path("b/<text:slug>/new/", boards.thread_create, name="thread_create"),
    path("b/<text:slug>/watch/", following.board_watch, name="board_watch"),
    path("b/<text:slug>/moderation/", moderation.board_queue, name="board_queue"),
    path("b/<text:slug>/mentions/", boards.mention_search, name="mention_search"),
    path("t/<id:pk>/", threads.thread, name="thread"),
    path("t/<id:pk>/reply/", threads.reply, name="reply"),
    path("t/<id:pk>/reply/form/", threads.reply_form, name="reply_form"),
    path("t/<id:pk>/unread/", threads.thread_unread, name="thread_unread"),
    path("t/<id:pk>/watch/", following.thread_watch, name="thread_watch"),
    path("t/<id:pk>/moderate/", moderation.thread_moderate, name="thread_moderate"),
    path("t/<id:pk>/move/", moderation.thread_move, name="thread_move"),
    path("t/<id:pk>/unaccept/", posts.thread_unaccept, name="thread_unaccept"),
    path("p/<id:pk>/", threads.post_permalink, name="post"),
    path("p/<id:pk>/edit/", posts.post_edit, name="post_edit"),
    path("p/<id:pk>/delete/", posts.post_delete, name="post_delete"),
    path("p/<id:pk>/history/", posts.post_history, name="post_history"),
    path("p/<id:pk>/react/", posts.post_react, name="post_react"),
    path("p/<id:pk>/flag/", posts.post_flag, name="post_flag"),
    path("p/<id:pk>/moderate/", moderation.post_moderate, name="post_moderate"),
    path("p/<id:pk>/accept/", posts.post_accept, name="post_accept"),
    path("a/<id:pk>/<text:name>", posts.attachment, name="attachment"),
    path("tags/<text:slug>/watch/", following.tag_watch, name="tag_watch"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
    path("notifications/<id:pk>/", notifications.notification_open, name="notification_open"),
    path("unsubscribe/<text:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("moderation/", moderation.global_queue, name="global_queue"),
    path("moderation/flags/<id:pk>/", moderation.flag_resolve, name="flag_resolve"),
]
