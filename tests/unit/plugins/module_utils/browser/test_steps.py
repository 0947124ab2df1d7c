"""Step validation, URL joining, file type checks and secret scrubbing of browser_check."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.browser.steps import (
    Scrubber,
    captured_names,
    check_magic,
    find_chromium,
    join_url,
    needs_browser,
    normalize_steps,
    slug,
)
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError,
    MissingDependencyError,
)


def test_names_default_and_mask_becomes_a_list():
    steps = normalize_steps([{"action": "goto", "url": "/"}, {"action": "click", "selector": "b", "mask": "#x"}], {})
    assert [s["name"] for s in steps] == ["goto-1", "click-2"]
    assert steps[1]["mask"] == ["#x"]


@pytest.mark.parametrize("step,fragment", [
    ({"action": "teleport"}, "unknown action"),
    ({"action": "goto"}, "missing url"),
    ({"action": "goto", "url": "/", "selector": "x"}, "unknown keys selector"),
    ({"action": "fill", "selector": "#p"}, "exactly one of value or secret"),
    ({"action": "fill", "selector": "#p", "secret": "nope"}, "secret 'nope' is neither"),
    ({"action": "download", "selector": "a", "expect_type": "docx"}, "expect_type"),
    ({"action": "upload", "selector": "input", "file": "/nonexistent/receipt.png"}, "does not exist"),
    ({"action": "upload", "selector": "input"}, "exactly one of file or content"),
    ({"action": "expect_selector", "selector": "a", "state": "shiny"}, "state must be"),
    ({"action": "goto", "url": "/", "timeout": "soon"}, "timeout must be a number"),
])
def test_bad_steps_fail_naming_the_step(step, fragment):
    with pytest.raises(InvalidInputError) as caught:
        normalize_steps([step], {})
    assert "steps[0]" in str(caught.value)
    assert fragment in str(caught.value)


def test_duplicate_names_and_empty_steps_are_refused():
    with pytest.raises(InvalidInputError, match="used twice"):
        normalize_steps([{"action": "goto", "url": "/", "name": "a"}, {"action": "goto", "url": "/", "name": "a"}], {})
    with pytest.raises(InvalidInputError, match="empty"):
        normalize_steps([], {})


def test_a_captured_secret_can_be_used_by_later_steps_only():
    ok = [{"action": "capture", "selector": "#k", "save_as": "key"}, {"action": "totp", "selector": "#c", "secret": "key"}]
    assert len(normalize_steps(ok, {})) == 2
    with pytest.raises(InvalidInputError):
        normalize_steps(list(reversed(ok)), {})


def test_mail_only_steps_need_no_browser():
    assert not needs_browser(normalize_steps([{"action": "wait_mail", "inbox": "/tmp"}], {}))
    assert needs_browser(normalize_steps([{"action": "goto", "url": "/"}], {}))


def test_join_url_and_slug():
    assert join_url("http://h:1/", "/admin/login") == "http://h:1/admin/login"
    assert join_url("http://h:1", "https://other/x") == "https://other/x"
    assert slug("Invoice PDF (download)!") == "invoice-pdf-download"
    assert slug("///") == "step"


def test_magic_bytes():
    assert check_magic(b"%PDF-1.7\n", "pdf")
    assert not check_magic(b"<html>", "pdf")
    assert check_magic(b"<html>", "any")


def test_find_chromium(tmp_path, monkeypatch):
    monkeypatch.delenv("FACTURINO_CHROMIUM", raising=False)
    assert find_chromium(which=lambda name: "/usr/bin/chromium" if name == "chromium" else None) == "/usr/bin/chromium"
    with pytest.raises(MissingDependencyError, match="apt-get install chromium"):
        find_chromium(which=lambda name: None)
    with pytest.raises(MissingDependencyError, match="not executable"):
        find_chromium(str(tmp_path / "chrome"))
    binary = tmp_path / "chrome"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("FACTURINO_CHROMIUM", str(binary))
    assert find_chromium(which=lambda name: None) == str(binary)


def test_scrubber_hides_longest_first():
    scrub = Scrubber({"pw": "hunter2", "empty": ""})
    scrub.add("hunter2hunter2")
    assert scrub("typed hunter2hunter2 and hunter2") == "typed ******** and ********"


@pytest.mark.parametrize("fields,fragment", [
    ({}, "fields must be a dict"),
    ({"#p": {"secret": "nope"}}, "names secret 'nope'"),
    ({"#p": {"value": "a", "check": True}}, "exactly one of"),
])
def test_form_fields_are_checked(fields, fragment):
    with pytest.raises(InvalidInputError, match=fragment):
        normalize_steps([{"action": "form", "fields": fields}], {})


def test_form_with_values_secrets_checkboxes_and_options():
    steps = normalize_steps([{"action": "form", "submit": "button", "fields": {
        "#email": "a@b.test", "#password": {"secret": "pw"}, "#remember": {"check": True}, "#c": {"label": "Acme"}}}],
        {"pw": "x"})
    assert steps[0]["name"] == "form-1"


def test_check_mode_notes_a_missing_upload_file_instead_of_refusing():
    step = {"action": "upload", "selector": "input", "file": "/nonexistent/receipt.png"}
    assert normalize_steps([step], {}, check_files=False)[0]["missing_file"] is True


@pytest.mark.parametrize("step,fragment", [
    ({"action": "goto", "url": "/", "if_url": ""}, "if_url must be a non-empty text"),
    ({"action": "goto", "url": "/", "if_selector": 3}, "if_selector must be a non-empty text"),
    ({"action": "click", "selector": "a", "repeat": "yes"}, "repeat must be true or false"),
])
def test_conditions_and_repeat_are_checked(step, fragment):
    with pytest.raises(InvalidInputError) as error:
        normalize_steps([step], {})
    assert fragment in str(error.value)


def test_cleanup_steps_may_use_what_the_steps_capture_and_share_their_names():
    steps = [{"action": "capture", "selector": "#key", "save_as": "totp_secret", "name": "key"}]
    seen = set()
    normalize_steps(steps, {}, seen=seen)
    cleanup = normalize_steps([{"action": "totp", "selector": "#code", "secret": "totp_secret"}], captured_names(steps),
                              option="cleanup", seen=seen)
    assert cleanup[0]["name"] == "totp-1"
    with pytest.raises(InvalidInputError) as error:
        normalize_steps([{"action": "goto", "url": "/", "name": "key"}], {}, option="cleanup", seen=seen)
    assert "cleanup[0]" in str(error.value) and "used twice" in str(error.value)
    assert normalize_steps([], {}, option="cleanup", allow_empty=True) == []
