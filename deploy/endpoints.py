"""Rasa's endpoints.yml for the production shape, written with real values.

Rasa does not expand environment variables everywhere in endpoints.yml (quoted
scalars are passed on literally), so local replica stacks (devstack) get a file
written with the ports and URLs they chose. deploy/k8s/rasa-config.yaml is the
Kubernetes version of the same file.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def rasa_endpoints(
    action_url: str, actions_token: str, tracker_store_url: str = "", redis_url: str = ""
) -> str:
    """endpoints.yml: the action server and its token; in production PostgreSQL and Redis
    stores. The token is written as it is (a development or test one: production uses
    deploy/k8s/rasa-config.yaml, which takes it from the environment)."""
    lines = [
        "action_endpoint:",
        f'  url: "{action_url}"',
        "  headers:",
        f'    Authorization: "Bearer {actions_token}"',
    ]
    if tracker_store_url:
        db = urlsplit(tracker_store_url)
        lines += [
            "tracker_store:",
            "  type: SQL",
            "  dialect: postgresql",
            f"  url: {db.hostname}",
            f"  port: {db.port or 5432}",
            f"  db: {db.path.lstrip('/')}",
            f"  username: {db.username or 'postgres'}",
            f'  password: "{db.password or ""}"',
            "  login_db: postgres",  # lets Rasa create its database on first start
        ]
    if redis_url:
        redis = urlsplit(redis_url)
        lines += [
            "lock_store:",
            "  type: redis",
            f"  url: {redis.hostname}",
            f"  port: {redis.port or 6379}",
            f"  db: {redis.path.lstrip('/') or 0}",
            "  key_prefix: rasa",  # its keys: rasa:lock:<conversation>
        ]
    return "\n".join(lines) + "\n"
