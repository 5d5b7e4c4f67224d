"""A production-like Newsroom in processes of its own, for the tests that need one.

Settings are read from the environment once, when Django starts, so these start fresh
processes with a production-like environment instead of overriding settings.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Services at a port nothing listens on: a database and a cache that are down.
DEAD_DATABASE = "postgres://postgres@127.0.0.1:1/newsroom"
DEAD_REDIS = "redis://127.0.0.1:1/0"


def production_env(**overrides):
    """What a production deployment sets; nothing inherited from this test run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
        "SITE_URL": "https://news.example.com",
        "DATABASE_URL": DEAD_DATABASE,
        "REDIS_URL": DEAD_REDIS,
        "EMAIL_URL": "smtp://newsroom:secret@mail.example.com:587",
        "TASKS_BACKEND": "database",
        "TRUSTED_PROXY_COUNT": "1",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env, **kwargs):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def django_eval(code, env):
    """Runs `code` after django.setup() in a fresh process; returns what it prints as JSON."""
    script = f"import django, json; django.setup()\n{code}"
    result = run([PYTHON, "-c", script], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled by collectstatic, as production serves it (hashed, compressed)."""
    static_root = tmp_path_factory.mktemp("static")
    env = production_env(STATIC_ROOT=str(static_root))
    collected = run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert collected.returncode == 0, collected.stderr
    return static_root


@pytest.fixture(scope="session")
def production_server(collected_static):
    """gunicorn in production configuration, its PostgreSQL and Redis unreachable."""
    static_root = collected_static
    env = production_env(STATIC_ROOT=str(static_root), SECURE_SSL_REDIRECT="false")
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        yield url, static_root
    finally:
        process.terminate()
        process.wait(timeout=10)
