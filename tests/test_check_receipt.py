"""`manyi check-receipt`: the evaluated department checks the 数据回执 it was given on its own machine, with
no database and no key: the signature must fit the content and, with --fingerprint, the key must be the one
the annex and the working paper print; it prints what the receipt covers and the 回执摘要 to match the paper."""
import json
import os
import subprocess

import pytest

from survey_app.store.receipts import fingerprint, short_digest
from tests.helpers import MANYI, YINING_ANSWERS


@pytest.fixture
def receipt(database, yining, tmp_path):
    survey_id, codes = yining
    point = database.point_by_code(codes[0])[0]["id"]
    for i in range(3):
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=f"k-{i}",
                               answers=sorted(YINING_ANSWERS.items()), seconds_on_page=40, language="zh-CN",
                               device_hash=None)
    made = database.receipt(survey_id)
    path = tmp_path / "回执-1.json"
    path.write_text(json.dumps(made, ensure_ascii=False, indent=2), encoding="utf-8")
    return path, made


def department(*args, cwd):
    """The console script on a machine with Manyi and nothing else: no database, no key, no secret."""
    return subprocess.run([MANYI, "check-receipt", *args], env={"PATH": "/usr/bin:/bin"}, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_a_genuine_receipt_checks_without_a_database_and_names_what_the_documents_print(receipt, tmp_path):
    path, made = receipt
    away = tmp_path / "department"
    away.mkdir()
    done = department(str(path), "--fingerprint", fingerprint(made["public_key"]).lower().replace(" ", ""), cwd=away)
    assert done.returncode == 0, done.stderr
    assert "签名有效" in done.stdout and "公钥指纹与文件一致" in done.stdout
    assert "回收 3 份，有效 3 份，剔除 0 份" in done.stdout
    assert f"回执摘要 {short_digest(made)}" in done.stdout and fingerprint(made["public_key"]) in done.stdout
    assert "（UTC+8）" in done.stdout and "Traceback" not in done.stderr
    assert list(away.iterdir()) == []  # nothing created: no database, no instance folder, no key


def test_a_receipt_changed_after_signing_or_signed_by_another_key_fails(receipt, tmp_path):
    path, made = receipt
    padded = json.loads(path.read_text(encoding="utf-8"))
    padded["counts"]["valid"] += 50
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(padded, ensure_ascii=False), encoding="utf-8")
    done = department(str(forged), cwd=tmp_path)
    assert done.returncode == 1 and "签名不符" in done.stderr and "签名有效" not in done.stdout
    other = "0000 " + fingerprint(made["public_key"])[5:]
    done = department(str(path), "--fingerprint", other, cwd=tmp_path)
    assert done.returncode == 1 and "公钥指纹不符" in done.stderr and fingerprint(made["public_key"]) in done.stderr


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"format": "manyi-receipt-1"}'])
def test_a_file_that_is_no_receipt_gets_one_line(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    done = department(str(path), cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("Error:") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_anchors_file_is_sent_to_verify(receipt, tmp_path):
    path, made = receipt
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(json.dumps(made, ensure_ascii=False) + "\n" + json.dumps(made, ensure_ascii=False) + "\n")
    done = department(str(anchors), cwd=tmp_path)
    assert done.returncode == 1 and "manyi verify --receipt" in done.stderr
    assert not os.path.exists(tmp_path / "instance")
