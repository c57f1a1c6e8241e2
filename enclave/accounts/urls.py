from __future__ import annotations

from django.urls import path

from enclave.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/enrol/qr.svg", views.otp_qr, name="otp_qr"),
    # 系统管理员
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/pi/", views.user_pi, name="user_pi"),
    path("users/<int:pk>/disable/", views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", views.user_enable, name="user_enable"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    # 安全管理员
    path("security/", views.security, name="security"),
    path("security/users/<int:pk>/role/", views.role_grant, name="role_grant"),
    path("security/users/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("security/users/<int:pk>/sessions/end/", views.sessions_end, name="sessions_end"),
    path("security/users/<int:pk>/otp/reset/", views.otp_reset, name="otp_reset"),
    path("security/unlock/", views.user_unlock, name="user_unlock"),
    path("security/policy/", views.policy_view, name="policy"),
]
