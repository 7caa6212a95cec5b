"""README's nginx snippet in front of a real gunicorn: clients that send headers and no body hold no
gunicorn thread, and /health/ keeps answering (issue 12.8).

Marked `nginx`: it needs /usr/sbin/nginx (.ci/run installs it; elsewhere it is skipped). The control
case shows the stall it prevents: the same slow clients sent straight to gunicorn hold every thread.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.nginx

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
GUNICORN = Path(sys.executable).with_name("gunicorn")
THREADS = 2
SLOW_CLIENTS = 13  # as in the audit: more than every thread of the deployment


def readme_snippet() -> str:
    readme = (settings.BASE_DIR / "README.md").read_text()
    block = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert block, "README has no ```nginx block"
    return "\n".join(line[2:] if line.startswith("  ") else line for line in block.group(1).splitlines())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str = "/health/", timeout: float = 10) -> int:
    """Status of one GET, or 0 when no answer comes within `timeout` (the stall)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = sock.recv(64)
    except (TimeoutError, ConnectionError):
        return 0
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(match.group(1)) if match else 0


def slow_clients(port: int, count: int = SLOW_CLIENTS) -> list[socket.socket]:
    """Connections that announce a form body and never send it."""
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
        held.append(sock)
    time.sleep(1)  # let the server pick them up; the assertions below do not depend on timing
    return held


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            pytest.fail(f"server exited: {log.read_text()[-2000:]}")
        if get(port, timeout=2) == 200:
            return
        time.sleep(0.3)
    pytest.fail(f"server did not answer: {log.read_text()[-2000:]}")


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PORTAL_") and key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PORTAL_DEBUG="1", PORTAL_ALLOWED_HOSTS="127.0.0.1", PORTAL_TRUSTED_PROXIES="1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PORTAL_MEDIA_ROOT=str(tmp_path / "media"))
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", str(THREADS), "--timeout", "120"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def nginx(tmp_path, gunicorn):
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    root = tmp_path / "nginx"
    (root / "media").mkdir(parents=True)
    snippet = (readme_snippet()
               .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{gunicorn};")
               .replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
               .replace("alias /srv/portal/media/;", f"alias {root}/media/;"))
    snippet = "\n".join(line for line in snippet.splitlines() if "ssl_certificate" not in line)
    temp_paths = "\n".join(f"{kind}_temp_path {root}/{kind};" for kind in
                           ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = root / "nginx.conf"
    conf.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    {temp_paths}
{snippet}
}}
""")
    check = subprocess.run([NGINX, "-t", "-p", str(root), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    log = root / "stderr.log"
    with log.open("w") as out:
        process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, process, root / "error.log")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_readme_snippet_buffers_requests_and_times_out_slow_clients():
    snippet = readme_snippet()
    assert "proxy_request_buffering on;" in snippet
    assert re.search(r"client_body_timeout \d+s;", snippet)
    assert re.search(r"client_header_timeout \d+s;", snippet)
    assert "proxy_request_buffering off" not in snippet
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in snippet


def test_slow_clients_straight_to_gunicorn_stall_it(gunicorn):
    """The control: without nginx, connections that never send their body hold every thread."""
    held = slow_clients(gunicorn, THREADS + 1)
    try:
        assert get(gunicorn, timeout=5) == 0
    finally:
        for sock in held:
            sock.close()
    # Once the clients go, gunicorn answers again.
    assert any(get(gunicorn, timeout=5) == 200 for _ in range(6))


def test_slow_clients_through_the_readme_nginx_leave_health_answering(nginx):
    held = slow_clients(nginx)
    try:
        for _ in range(THREADS + 2):
            assert get(nginx) == 200
    finally:
        for sock in held:
            sock.close()
