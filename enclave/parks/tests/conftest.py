"""Helpers shared by the reference page and admin tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from enclave.accounts.models import User


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_city_admin(city_admin: User) -> User:
    """The city administrator with the staff flag the admin site also asks for."""
    city_admin.is_staff = True
    city_admin.save(update_fields=["is_staff"])
    return city_admin
