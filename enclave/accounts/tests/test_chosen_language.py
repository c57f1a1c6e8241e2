from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_whatever_the_browser_says():
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


def test_the_switch_chooses_english_and_back():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录" in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese():
    client = Client()
    client.cookies["django_language"] = "fr"
    assert "登录" in client.get("/accounts/login/").content.decode()
