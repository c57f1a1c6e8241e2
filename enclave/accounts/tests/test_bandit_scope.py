"""bin/test's bandit step scans the application and only it (issue 14, minor): `-x "enclave/*/tests"` excluded
nothing, so 132 test files were scanned (and their findings hidden by the medium threshold). The exclusion
is read from bin/test and given to bandit's own file discovery, then the files are counted."""

from __future__ import annotations

import re
from pathlib import Path

from bandit.core import config as bandit_config
from bandit.core import manager as bandit_manager
from django.conf import settings

BIN_TEST = Path(settings.BASE_DIR) / "bin" / "test"


def _discovered(exclude: str) -> list[str]:
    manager = bandit_manager.BanditManager(bandit_config.BanditConfig(), "file", quiet=True)
    manager.discover_files([str(Path(settings.BASE_DIR) / "enclave")], recursive=True, excluded_paths=exclude)
    return manager.files_list


def test_bin_test_excludes_tests_migrations_and_conftest_from_bandit():
    exclude = re.search(r'^BANDIT_EXCLUDE="([^"]+)"', BIN_TEST.read_text(encoding="utf-8"), re.M).group(1)
    scanned = _discovered(exclude)
    assert not [f for f in scanned if "/tests/" in f or "/migrations/" in f or f.endswith("conftest.py")]
    application = [
        p for p in (Path(settings.BASE_DIR) / "enclave").rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "conftest.py"
    ]  # fmt: skip
    assert len(scanned) == len(application) > 100


def test_the_old_exclusion_excluded_nothing():
    """The control: bandit does not understand `enclave/*/tests` (so a test like the one above can fail)."""
    scanned = _discovered("enclave/*/tests,enclave/conftest.py,enclave/*/migrations")
    assert any("/tests/" in f for f in scanned)


def test_bin_test_prints_the_number_of_files_bandit_scans():
    assert "bandit scans" in BIN_TEST.read_text(encoding="utf-8")
