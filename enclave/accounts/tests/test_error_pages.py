"""The project's own error pages where Django's would be English (issue 14, minor): the 403 of a failed
CSRF check (CSRF_FAILURE_VIEW) and the 400 of a bad query parameter (handler400), both in the site's
layout, in Chinese, and in English for a user who chose English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_failed_csrf_check_is_the_projects_chinese_page():
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "x", "password": "y"}
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in body and "刷新" in body
    assert "CSRF verification failed" not in body and '<header class="site-header">' in body


def test_a_failed_csrf_check_in_english_for_who_chose_english():
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.post(reverse("accounts:login"), {"username": "x", "password": "y"}).content.decode()
    assert "Page expired" in body and "页面已过期" not in body


def test_a_bad_query_parameter_is_the_projects_400_page():
    response = Client().get(reverse("public:results"), {"year": "0000"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请求有误" in body and "参数“year”无效" in body
