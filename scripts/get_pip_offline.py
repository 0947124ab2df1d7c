"""Offline stand-in for the get-pip.py that ansible-test downloads from a host unreachable here.

ansible-test runs this file as __main__ with pip-install style arguments; pip itself comes from
ensurepip and the requested pip version from the configured package index.
"""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q"] + args)
