from django.urls import path

from parcours.accounts import federation_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("language/", views.set_language, name="set_language"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("profile/", views.profile, name="profile"),
    path("organisation/", views.organisation_settings, name="organisation_settings"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_update, name="user_update"),
    path(
        "users/<int:pk>/second-factor/reset/",
        views.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path("users/<int:pk>/close/", views.user_deactivate, name="user_deactivate"),
    path(
        "federations/<slug:slug>/",
        federation_views.federation_manage,
        name="federation_manage",
    ),
    path(
        "federations/<slug:slug>/analysts/new/",
        federation_views.analyst_create,
        name="federation_analyst_create",
    ),
    path(
        "federations/<slug:slug>/analysts/<int:pk>/revoke/",
        federation_views.analyst_revoke,
        name="federation_analyst_revoke",
    ),
]
