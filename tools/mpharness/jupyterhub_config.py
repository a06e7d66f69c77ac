# JupyterHub configuration for the local classroom test (tests/hub/) and for
# `python -m mpharness.bench_hub`. Everything listens on 127.0.0.1 and lives
# in one temporary folder; the values come from environment variables set by
# mpharness.hub.LocalHub, so this file is the single template.
#
#   MP_HUB_DIR          temporary folder: database, cookie secret, homes
#   MP_HUB_PORT         public port (the proxy)
#   MP_HUB_API_PORT     the hub's own port
#   MP_PROXY_API_PORT   the proxy's REST API port
#   MP_SERVICE_TOKEN    API token of the "classroom-test" service
#   MP_SINGLEUSER       path of jupyterhub-singleuser in the project's .venv
#   MP_CHP              configurable-http-proxy (default <repo>/node_modules/.bin/, from `npm ci`)
#   MP_COLLECTION_DIR   folder nbgitpuller clones the collection into (in each home)
#
# Not for production: SimpleLocalProcessSpawner gives no isolation between users.
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

workdir = os.environ["MP_HUB_DIR"]

c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['MP_HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["MP_HUB_API_PORT"])
c.JupyterHub.db_url = f"sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{workdir}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{workdir}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# configurable-http-proxy as installed by `npm ci` from package.json + package-lock.json
_ROOT = Path(__file__).resolve().parents[2]
c.ConfigurableHTTPProxy.command = [
    os.environ.get("MP_CHP", str(_ROOT / "node_modules" / ".bin" / "configurable-http-proxy"))
]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['MP_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = f"{workdir}/proxy.pid"
c.ConfigurableHTTPProxy.should_start = True

# Any user name logs in (test authenticator); no password check.
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = f"{workdir}/home/{{username}}"
c.Spawner.cmd = [os.environ["MP_SINGLEUSER"]]
c.Spawner.args = ["--allow-root"]  # the test runs as root; the spawn fails without it
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# The student's kernel imports `middlepowers` from the copy nbgitpuller pulled
# (the same recipe as `singleuser.extraEnv.PYTHONPATH` on Zero to JupyterHub),
# so notebooks and helper code always come from the same commit.
# JUPYTER_CONFIG_PATH: the students' server configuration (extensions they do
# not use switched off, idle kernels culled), as in the image; see
# deploy/singleuser/README.md.
c.Spawner.environment = {
    "PYTHONPATH": lambda spawner: os.path.join(spawner.home_dir, os.environ["MP_COLLECTION_DIR"], "src"),
    "JUPYTER_CONFIG_PATH": str(_ROOT / "deploy" / "singleuser"),
}

c.JupyterHub.services = [
    {"name": "classroom-test", "api_token": os.environ["MP_SERVICE_TOKEN"]},
]
c.JupyterHub.load_roles = [
    {
        "name": "classroom-test",
        "services": ["classroom-test"],
        "scopes": [
            "admin:users",
            "admin:servers",
            "access:servers",
            "tokens",
            "list:users",
            "read:users",
        ],
    },
]
