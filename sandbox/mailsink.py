"""The sandbox's SMTP sink: accepts every message on 127.0.0.1 and stores it in a Maildir (new/, cur/, tmp/).

The app's mailer (MAIL_MAILER=smtp, MAIL_HOST=127.0.0.1, MAIL_PORT=<port>) delivers here, and browser_check's
``wait_mail`` step reads the Maildir. Started detached by sandbox/bin/up, stopped by sandbox/bin/down.

    python -m sandbox.mailsink --port 18789 --maildir sandbox/.state/mail --pidfile sandbox/.state/mailsink.pid
"""

import argparse
import os
import signal
import sys
import threading


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mailsink", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--pidfile")
    args = parser.parse_args(argv)

    from aiosmtpd.controller import Controller  # the venv's aiosmtpd (requirements-dev.txt)
    from aiosmtpd.handlers import Mailbox

    os.makedirs(os.path.dirname(os.path.abspath(args.maildir)), exist_ok=True)
    controller = Controller(Mailbox(args.maildir), hostname=args.host, port=args.port)
    controller.start()
    if args.pidfile:
        with open(args.pidfile, "w", encoding="utf-8") as handle:
            handle.write("%d\n" % os.getpid())
    print("mailsink: listening on %s:%d, Maildir %s" % (args.host, args.port, args.maildir), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    if args.pidfile and os.path.exists(args.pidfile):
        os.unlink(args.pidfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
