"""The JSON API (django-ninja): one NinjaAPI, each app contributes a router from its api.py."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Enclave API",
    version="1",
    description="昆明市重点产业协作园区平台 JSON API。所有数据均按登录用户的角色与单位范围过滤。",
    urls_namespace="api",
)
