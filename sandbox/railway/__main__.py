"""``python -m sandbox.railway``: run the Railway API emulator (API + domain proxy) in the foreground."""
import argparse
import json
import os
import signal
import sys
import threading
import time

from .engine import Config, Engine
from .proxy import make_proxy
from .server import Emulator, Faults, make_server
from .store import Store
from .tcpproxy import TcpProxies
from .util import parse_port_range

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATE = os.environ.get("SANDBOX_STATE_DIR") or os.path.join(REPO_ROOT, "sandbox", ".state")


def _env(name, default):
    return os.environ.get(name) or default


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m sandbox.railway",
                                 description="Railway public API emulator for the facturino.release sandbox.")
    ap.add_argument("--host", default=_env("RAILWAY_EMULATOR_HOST", "127.0.0.1"), help="bind address (API+domain)")
    ap.add_argument("--port", type=int, default=int(_env("RAILWAY_EMULATOR_PORT", 18790)),
                    help="API port: /graphql/v2, /project/.../up, /_emulator (default 18790)")
    ap.add_argument("--domain-port", type=int, default=int(_env("RAILWAY_EMULATOR_DOMAIN_PORT", 18791)),
                    help="service domain proxy port (default 18791)")
    ap.add_argument("--deploy-ports", default=_env("RAILWAY_EMULATOR_DEPLOY_PORTS", "18800-18899"),
                    help="port pool for deployment processes (default 18800-18899)")
    ap.add_argument("--state-dir", default=_env("RAILWAY_EMULATOR_STATE_DIR", os.path.join(STATE, "railway")),
                    help="persistent state directory (default sandbox/.state/railway)")
    ap.add_argument("--origin", default=None,
                    help="source git repo of the seeded service (default: app.json origin_repo, "
                         "else sandbox/.state/origin.git)")
    ap.add_argument("--seed", metavar="APP_JSON", default=None,
                    help="seed project/environment/service/variables/tokens from app.json if not seeded yet")
    ap.add_argument("--step-seconds", type=float, default=float(_env("RAILWAY_EMULATOR_STEP_SECONDS", 1.0)),
                    help="minimum time spent in each deployment status (default 1.0)")
    ap.add_argument("--rate-per-second", type=int, default=int(_env("RAILWAY_EMULATOR_RATE_PER_SECOND", 50)),
                    help="requests per second per token, 0 = unlimited (default 50)")
    ap.add_argument("--rate-per-hour", type=int, default=int(_env("RAILWAY_EMULATOR_RATE_PER_HOUR", 10000)),
                    help="requests per hour per token, 0 = unlimited (default 10000)")
    ap.add_argument("--healthcheck-interval", type=float, default=0.25, help="seconds between healthcheck probes")
    ap.add_argument("--healthcheck-timeout-max", type=float,
                    default=float(_env("RAILWAY_EMULATOR_HEALTHCHECK_TIMEOUT_MAX", 0)),
                    help="cap railway.json's healthcheckTimeout, in seconds (test knob; 0 = no cap)")
    ap.add_argument("--auto-deploy", action="store_true", default=_env("RAILWAY_EMULATOR_AUTO_DEPLOY", "") == "1",
                    help="deploy every new commit pushed to the service's branch, as Railway's GitHub trigger does")
    ap.add_argument("--tcp-proxy-port", type=int, default=int(_env("RAILWAY_EMULATOR_TCP_PROXY_PORT", 0)),
                    help="public port of the Postgres service's TCP proxy (default: the last port of --deploy-ports)")
    ap.add_argument("--upload-max-bytes", type=int, default=50 * 1024 * 1024, help="railway up size limit")
    ap.add_argument("--pidfile", default=None, help="write the emulator pid here")
    ap.add_argument("--quiet", action="store_true", help="do not log requests")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    lock = threading.Lock()

    def log(msg):
        if args.quiet and '"' in msg:
            return
        with lock:
            sys.stderr.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + msg + "\n")
            sys.stderr.flush()

    deploy_ports = parse_port_range(args.deploy_ports)
    cfg = Config(step_seconds=args.step_seconds, deploy_ports=deploy_ports,
                 tcp_proxy_port=args.tcp_proxy_port or deploy_ports[-1],
                 domain_host=args.host, domain_port=args.domain_port,
                 api_base=f"http://{args.host}:{args.port}", healthcheck_interval=args.healthcheck_interval,
                 rate_per_second=args.rate_per_second, rate_per_hour=args.rate_per_hour,
                 upload_max_bytes=args.upload_max_bytes, healthcheck_timeout_max=args.healthcheck_timeout_max,
                 auto_deploy=args.auto_deploy)
    store = Store(args.state_dir)
    faults = Faults()
    engine = Engine(store, cfg, faults, log)
    engine.tcp = TcpProxies(store, args.host, log)
    app = Emulator(store, engine, cfg, faults, log)

    if args.seed:
        with open(args.seed, encoding="utf-8") as fh:
            app_json = json.load(fh)
        body = {"app_json": os.path.abspath(args.seed)}
        if args.origin:
            body["origin_repo"] = args.origin
        elif not app_json.get("origin_repo"):
            body["origin_repo"] = os.path.join(STATE, "origin.git")
        created = app.seed(body)[0]
        log("seeded project facturino" if created else "already seeded")

    try:
        api = make_server(app, args.host, args.port)
        proxy = make_proxy(app, args.host, args.domain_port)
    except OSError as exc:
        sys.stderr.write(f"railway emulator: cannot listen: {exc}\n")
        return 2

    engine.start()
    engine.sync_network()
    threads = [threading.Thread(target=api.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
               threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)]
    for t in threads:
        t.start()
    if args.pidfile:
        with open(args.pidfile, "w", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
    log(f"railway emulator listening: api http://{args.host}:{args.port}/graphql/v2 "
        f"domain http://{args.host}:{args.domain_port} state {store.state_dir} pid {os.getpid()}")

    done = threading.Event()

    def on_signal(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    while not done.wait(0.5):
        pass
    log("shutting down: stopping deployments")
    api.shutdown()
    proxy.shutdown()
    engine.shutdown()
    engine.tcp.stop_all()
    api.server_close()
    proxy.server_close()
    if args.pidfile:
        try:
            with open(args.pidfile, encoding="utf-8") as fh:
                if fh.read().strip() == str(os.getpid()):
                    os.unlink(args.pidfile)
        except OSError:
            pass
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
