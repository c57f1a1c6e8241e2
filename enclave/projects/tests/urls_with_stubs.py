"""Test-only URLconf: the real one plus stand-ins for URL names of pages not built yet (see conftest)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import URLPattern, include, path

from enclave import urls as real
from enclave.enterprises import urls as enterprises_urls
from enclave.parks import urls as parks_urls


def _stub(request: object) -> HttpResponse:
    return HttpResponse("stub")


def _with_stubs(module: object, names: list[str]) -> tuple[list, str]:
    patterns = list(module.urlpatterns)  # type: ignore[attr-defined]
    existing = {p.name for p in patterns if isinstance(p, URLPattern)}
    patterns += [path(f"__stub__/{name}/", _stub, name=name) for name in names if name not in existing]
    return patterns, module.app_name  # type: ignore[attr-defined]


urlpatterns = [
    path("enterprises/", include(_with_stubs(enterprises_urls, ["list", "create"]))),
    path("parks/", include(_with_stubs(parks_urls, ["index"]))),
    *[p for p in real.urlpatterns if getattr(p, "namespace", None) not in {"enterprises", "parks"}],
]
handler403 = real.handler403
