"""Railway's TCP proxy (``tcpProxies``): a real TCP forwarder from a public port to a service's backend.

On Railway a TCP proxy gives a service a public ``<domain>:<proxyPort>`` that forwards to its ``applicationPort``
inside the private network.  Here the Postgres service's backend is the sandbox's real PostgreSQL, so
DATABASE_PUBLIC_URL reaches it from the controller while ``postgres.railway.internal`` does not resolve there.
"""
import socket
import threading


class TcpForwarder:
    """Listen on ``listen_port`` and pump bytes to ``(backend_host, backend_port)``, one thread pair a connection."""

    def __init__(self, listen_host, listen_port, backend_host, backend_port, log=None):
        self.listen = (listen_host, int(listen_port))
        self.backend = (backend_host, int(backend_port))
        self.log = log or (lambda msg: None)
        self.sock = None
        self.stopping = threading.Event()
        self.conns = set()
        self.lock = threading.Lock()

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(self.listen)
        sock.listen(64)
        sock.settimeout(0.5)
        self.sock = sock
        threading.Thread(target=self._accept, name=f"tcp-proxy-{self.listen[1]}", daemon=True).start()
        return self

    def _accept(self):
        while not self.stopping.is_set():
            try:
                client, _addr = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.backend, timeout=5)
            except OSError as exc:
                self.log(f"tcp proxy {self.listen[1]}: backend {self.backend[0]}:{self.backend[1]} unreachable: {exc}")
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self.lock:
                self.conns.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass
            with self.lock:
                self.conns.discard(src)
                self.conns.discard(dst)

    def stop(self):
        self.stopping.set()
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        with self.lock:
            conns = list(self.conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


class TcpProxies:
    """The running forwarders, one per TCP proxy record of the store."""

    def __init__(self, store, host="127.0.0.1", log=None):
        self.store, self.host, self.log = store, host, log or (lambda msg: None)
        self.running = {}
        self.lock = threading.Lock()

    def sync(self):
        """Start a forwarder for every proxy record, stop those whose record is gone."""
        with self.store.lock:
            records = {pid: dict(p) for pid, p in (self.store.data.get("tcpProxies") or {}).items()}
        with self.lock:
            for pid in list(self.running):
                if pid not in records:
                    self.running.pop(pid).stop()
            for pid, rec in records.items():
                if pid in self.running:
                    continue
                svc = self.store.service(rec["serviceId"]) or {}
                backend = svc.get("backend")
                if not backend:
                    continue
                try:
                    self.running[pid] = TcpForwarder(self.host, rec["proxyPort"], backend["host"], backend["port"],
                                                     self.log).start()
                    self.log(f"tcp proxy {rec['domain']}:{rec['proxyPort']} -> {svc.get('name')} "
                             f"({backend['host']}:{backend['port']})")
                except OSError as exc:
                    self.log(f"tcp proxy {rec['proxyPort']}: cannot listen: {exc}")

    def stop_all(self):
        with self.lock:
            for fwd in self.running.values():
                fwd.stop()
            self.running.clear()
