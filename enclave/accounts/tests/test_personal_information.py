"""SECURITY.md check 27: 国密 self-test on the installed OpenSSL; phone and ID number stored SM4-encrypted,
masked for roles without the right, every unmasked view audited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from enclave.accounts.models import User
from enclave.audit.models import Event, Verb
from enclave.conftest import client_for
from enclave.lib import gm

PHONE, ID_NUMBER = "13812341234", "53010219900101123X"


def test_sm3_of_abc_is_the_standard_value():
    assert gm.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_gives_the_gbt_32907_vector():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert gm.sm4_ecb_block(key, key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_round_trips_and_detects_tampering():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    stored = gm.sm4_encrypt(key, PHONE)
    assert gm.sm4_decrypt(key, stored) == PHONE and stored != gm.sm4_encrypt(key, PHONE)
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        gm.sm4_decrypt(key, tampered)


def test_masks():
    assert gm.mask_phone(PHONE) == "138****1234"
    assert gm.mask_id_number(ID_NUMBER) == "5301**********123X"


@pytest.mark.django_db
class TestStoredPersonalInformation:
    @pytest.fixture
    def zhang(self, sys_admin):
        data = {
            "username": "zhangsan", "full_name": "张三", "employee_id": "KM-1", "phone": PHONE,
            "id_number": ID_NUMBER, "password": "Kunming#2025x",
        }  # fmt: skip
        assert client_for(sys_admin).post(reverse("accounts:user_create"), data).status_code == 302
        return User.objects.get(username="zhangsan")

    def test_the_raw_columns_are_not_the_plaintext(self, zhang):
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone, id_number FROM accounts_user WHERE id = %s", [zhang.pk])
            phone, id_number = cursor.fetchone()
        assert phone.startswith("sm4gcm:") and PHONE not in phone and ID_NUMBER not in id_number
        assert zhang.phone == PHONE and zhang.id_number == ID_NUMBER

    def test_lists_and_exports_show_masked_values(self, zhang, sys_admin, security_admin):
        for client, url in (
            (client_for(sys_admin), reverse("accounts:user_list")),
            (client_for(security_admin), reverse("accounts:security")),
            (client_for(sys_admin), reverse("accounts:user_detail", args=[zhang.pk])),
        ):
            body = client.get(url).content.decode()
            assert "138****1234" in body and PHONE not in body and ID_NUMBER not in body, url
        content = client_for(sys_admin).get(reverse("accounts:user_export")).content
        cells = [
            c.value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row
        ]
        assert "138****1234" in cells and PHONE not in cells
        assert not Event.objects.filter(verb=Verb.PI_VIEW).exists()

    def test_every_unmasked_view_is_audited(self, zhang, sys_admin, security_admin):
        client = client_for(sys_admin)
        for expected in (1, 2):
            body = client.get(reverse("accounts:user_pi", args=[zhang.pk])).content.decode()
            assert PHONE in body and ID_NUMBER in body
            assert (
                Event.objects.filter(verb=Verb.PI_VIEW, actor=sys_admin, object_id=str(zhang.pk)).count()
                == expected
            )
        assert client_for(security_admin).get(reverse("accounts:user_pi", args=[zhang.pk])).status_code == 403
        row = Event.objects.filter(verb=Verb.PI_VIEW).first()
        assert PHONE not in str(row.after) and ID_NUMBER not in str(row.after)


def test_production_refuses_to_start_without_its_own_sm4_key():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("ENCLAVE_")}
    env.update(DJANGO_SETTINGS_MODULE="enclave.settings", ENCLAVE_PRODUCTION="1", ENCLAVE_SECRET_KEY="k" * 60)
    env.update(ENCLAVE_AUDIT_KEY="a-throw-away-audit-chain-key-of-forty-characters")
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode != 0 and "ENCLAVE_PI_KEY" in out.stderr
