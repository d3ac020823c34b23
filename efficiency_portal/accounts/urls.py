from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.PortalPasswordChangeView.as_view(), name="password_change"),
]
