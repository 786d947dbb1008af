"""deploy/: the systemd units pass `systemd-analyze verify`, the nginx site passes `nginx -t` with a throwaway
certificate, and the site's upload limit and the units' commands match the product's."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SITE = DEPLOY / "nginx" / "zoneledger.conf"
INSTALLED = "/opt/zoneledger/.venv/bin/zoneledger"


def nginx_binary():
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


def test_every_unit_runs_the_installed_zoneledger_with_the_environment_file():
    services = [unit for unit in UNITS if unit.suffix == ".service"]
    assert {unit.name for unit in UNITS} == {
        "zoneledger-web.service",
        "zoneledger-worker.service",
        "zoneledger-backup.service",
        "zoneledger-backup.timer",
    }
    for unit in services:
        text = unit.read_text()
        assert f"ExecStart={INSTALLED} " in text, unit.name
        assert "EnvironmentFile=/etc/zoneledger/zoneledger.env" in text, unit.name
        assert "User=zoneledger" in text, unit.name
    assert (
        "backup --into ${ZONELEDGER_BACKUP_DIR} --keep"
        in (DEPLOY / "systemd" / "zoneledger-backup.service").read_text()
    )


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: package systemd)")
    # The units as installed, pointed at this checkout's command and an empty environment file.
    environment = tmp_path / "zoneledger.env"
    environment.write_text("")
    command = str(Path(sys.executable).parent / "zoneledger")
    for unit in UNITS:
        text = unit.read_text().replace(INSTALLED, command)
        text = text.replace("/etc/zoneledger/zoneledger.env", str(environment)).replace("=/opt/zoneledger", "=/tmp")
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    # Unknown keys and sections are only warnings: any line naming one of ours is a mistake in it.
    assert [line for line in result.stderr.splitlines() if "zoneledger" in line] == []


def test_the_site_passes_nginx_t_with_a_throwaway_certificate(tmp_path):
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed here: scripts/install-system-packages installs it (as root)")
    certificate = ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=x", *certificate],
        capture_output=True,
        check=True,
        timeout=60,
    )
    site = SITE.read_text()
    site = site.replace("/etc/zoneledger/tls/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/zoneledger/tls/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    temporary = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path / 'access.log'};\n{temporary}\n    include {tmp_path / 'site.conf'};\n}}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_s_upload_limit_is_the_product_s_plus_the_form_s_bytes():
    [limit] = re.findall(r"client_max_body_size (\d+)m;", SITE.read_text())

    assert int(limit) == settings.ZONELEDGER_UPLOAD_MAX_BYTES // 2**20 + 1


def test_the_site_waits_longer_than_gunicorn_and_serves_the_collected_static_files():
    site = SITE.read_text()
    [read_timeout] = re.findall(r"proxy_read_timeout (\d+)s;", site)

    assert int(read_timeout) > 120  # core/server.py's gunicorn timeout: gunicorn cuts a slow answer first
    assert "alias /var/lib/zoneledger/static/;" in site
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site
