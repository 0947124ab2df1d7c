# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of the browser_check module."""

from __future__ import annotations

DEFAULT_LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def browser_argument_spec():
    return dict(
        base_url=dict(type="str", required=True),
        steps=dict(type="list", elements="dict", required=True),
        cleanup=dict(type="list", elements="dict", default=[]),
        recovery_file=dict(type="path"),
        secrets=dict(type="dict", default={}, no_log=True),
        results_dir=dict(type="path", required=True),
        executable_path=dict(type="path"),
        launch_args=dict(type="list", elements="str", default=list(DEFAULT_LAUNCH_ARGS)),
        timeout=dict(type="float", default=10.0),
        viewport=dict(type="dict", default={"width": 1280, "height": 800}),
        screenshots=dict(type="bool", default=True),
        screenshot_format=dict(type="str", default="png", choices=["png", "jpeg"]),
        trace=dict(type="str", default="on_failure", choices=["on_failure", "never"]),
        since=dict(type="float"),
        fail_on_error=dict(type="bool", default=True),
    )
