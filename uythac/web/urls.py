from django.contrib.auth import views as auth_views
from django.urls import path

from uythac.web.pages import (
    associations,
    audit,
    geography,
    group_members,
    groups,
    home,
    households,
    network,
    programs,
    savings,
    sessions,
    users,
    villages,
)

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    *audit.urlpatterns,
    *geography.urlpatterns,
    *network.urlpatterns,
    *villages.urlpatterns,
    *associations.urlpatterns,
    *groups.urlpatterns,
    *group_members.urlpatterns,
    *households.urlpatterns,
    *users.urlpatterns,
    *programs.urlpatterns,
    *savings.urlpatterns,
    *sessions.urlpatterns,
]
