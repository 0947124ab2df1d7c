import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import AuditError
from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser


def issues(document):
    return sorted(((rule, key, line) for rule, key, line, _message in document.issues),
                  key=lambda issue: (issue[0], issue[1] or "", issue[2] or 0))


def test_values_are_what_laravel_gets():
    doc = parser.parse_text(
        "# comment\n"
        "export APP_NAME=\"Facturino Cloud\"  # inline\n"
        "SINGLE='raw ${APP_NAME}'\n"
        "PLAIN=abc   # trailing comment\n"
        "HASH=abc#comment-too\n"
        "ESCAPED=\"say \\\"hi\\\"\\tnow\\n\"\n"
        "EMPTY= # comment\n"
        "MAIL_FROM_NAME=\"${APP_NAME} team\"\n"
        "QUOTE=it's\n"
    )
    assert doc.raw("APP_NAME") == "Facturino Cloud"
    assert doc.raw("SINGLE") == "raw ${APP_NAME}"  # single quotes are literal
    assert doc.raw("PLAIN") == "abc"
    assert doc.raw("HASH") == "abc"  # '#' after an unquoted value starts a comment
    assert doc.values["ESCAPED"].value.reveal() == 'say "hi"\tnow\n'
    assert "EMPTY" in doc.values and not doc.has("EMPTY")
    assert doc.raw("MAIL_FROM_NAME") == "Facturino Cloud team"
    assert doc.raw("QUOTE") == "it's"
    assert doc.line("PLAIN") == 4
    assert issues(doc) == [] and doc.phpdotenv == "5.6" and not doc.refused


def test_refusals_losses_and_warnings_carry_lines():
    doc = parser.parse_text(
        "A=1\n"                 # 1
        "no equals\n"           # 2  invalid name
        "FEATURE_X\n"           # 3  a bare name: accepted, FEATURE_X unset
        "A=2\n"                 # 4
        "B=${MISSING}\n"        # 5
        "C=two words\n"         # 6
        "D=\"multi   \n"       # 7
        "line\"\n"             # 8
        "P=\"s3\\w\"\n"     # 9  invalid escape
        "E=ok\n"                # 10
        "F=\"open\n"           # 11 never closed
        "G_KEY=lost\n"          # 12
    )
    assert issues(doc) == sorted([
        ("laravel-rejects-file", None, 2), ("duplicate-key", "A", 4), ("undefined-reference", "B", 5),
        ("laravel-rejects-file", "C", 6), ("multiline-value", "D", 7), ("laravel-rejects-file", "P", 9),
        ("keys-lost", "F", 11),
    ], key=lambda issue: (issue[0], issue[1] or "", issue[2]))
    assert doc.refused
    assert doc.raw("A") == "2" and doc.values["D"].value.reveal() == "multi   \nline" and doc.raw("E") == "ok"
    assert "FEATURE_X" not in doc.values and "F" not in doc.values and "G_KEY" not in doc.values
    lost = [message for rule, _key, _line, message in doc.issues if rule == "keys-lost"][0]
    assert "F, G_KEY" in lost and "lost" not in lost.replace("keys-lost", "")
    escape = [message for rule, key, _line, message in doc.issues if key == "P"][0]
    assert "an unexpected escape sequence" in escape and "s3" not in escape


def test_value_running_over_assignments_loses_their_keys_but_a_pem_does_not():
    doc = parser.parse_text('APP_MOTD="welcome\nMAIL_HOST=smtp.test\nMAIL_PORT=587\n"\nNEXT=1\n')
    assert issues(doc) == [("keys-lost", "MAIL_HOST", 1), ("multiline-value", "APP_MOTD", 1)]
    lost = [message for rule, _key, _line, message in doc.issues if rule == "keys-lost"]
    assert "never sees MAIL_HOST, MAIL_PORT" in lost[0] and "smtp" not in lost[0]
    pem = parser.parse_text('KEY="-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs==\n'
                            'AAAA=\n-----END KEY-----"\n')
    assert issues(pem) == [("multiline-value", "KEY", 1)]


def test_version_decides_unicode_names():
    text = "CAF\u00c9=1\n"
    assert not parser.parse_text(text, version="5.6").refused
    assert parser.parse_text(text, version="5.4").refused


def test_bare_name_unsets_an_earlier_assignment():
    doc = parser.parse_text("A=1\nA\n")
    assert "A" not in doc.values
    assert [(rule, line) for rule, _key, line, _message in doc.issues] == [("duplicate-key", 2)]


def test_bom_and_crlf_are_reported_and_handled():
    doc = parser.parse_text("\ufeffAPP_ENV=production\r\nAPP_DEBUG=false\r\n")
    assert issues(doc) == [("bom", None, 1), ("crlf", None, 1)]
    assert doc.raw("APP_ENV") == "production"  # phpdotenv strips the BOM
    assert doc.values["APP_DEBUG"].value.reveal() == "false"  # no trailing \r
    messages = " ".join(message for _rule, _key, _line, message in doc.issues)
    assert "phpdotenv strips it" in messages and "phpdotenv reads them as line breaks" in messages


def test_defined_reference_is_fine_and_a_later_one_stays_literal():
    assert issues(parser.parse_text("APP_NAME=Facturino\nMAIL_FROM_NAME=\"${APP_NAME}\"\n")) == []
    doc = parser.parse_text("MAIL_FROM_NAME=\"${APP_NAME}\"\nAPP_NAME=Facturino\n")
    assert doc.raw("MAIL_FROM_NAME") == "${APP_NAME}"
    assert issues(doc) == [("undefined-reference", "MAIL_FROM_NAME", 1)]
    assert "stay literal" in doc.issues[0][3]


def test_from_mapping_has_no_lines_and_stringifies_booleans():
    doc = parser.from_mapping({"APP_DEBUG": False, "B-AD": "x"})
    assert doc.raw("APP_DEBUG") == "false" and doc.line("APP_DEBUG") is None
    assert issues(doc) == [("invalid-key-name", "B-AD", None)]


def write_bytes(data):
    def writer(path):
        with open(path, "wb") as handle:
            handle.write(data)
    return writer


@pytest.mark.parametrize("writer, expected", [
    (lambda p: None, "does not exist"),
    (os.mkdir, "is a directory"),
    (write_bytes(b"APP_KEY=\x00\x01binary"), "is binary"),
    (write_bytes(b"A=1\nB=\xff\xfeS3CRET\n"), "not valid UTF-8 (line 2)"),
    (write_bytes(b"A=" + b"x" * 200), "over the 100 byte limit"),
], ids=["missing", "directory", "binary", "invalid-utf8", "too-large"])
def test_bad_input_is_a_clear_audit_error(tmp_path, writer, expected):
    path = str(tmp_path / ".env.production")
    writer(path)
    with pytest.raises(AuditError) as caught:
        parser.parse_file(path, max_bytes=100)
    assert expected in str(caught.value)
    assert "Fix:" in str(caught.value)
    assert "S3CRET" not in str(caught.value) and "\\x" not in str(caught.value)  # no bytes of the content


def test_unreadable_file_is_a_clear_audit_error(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text("A=1\n")

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(parser, "open", refuse, raising=False)
    with pytest.raises(AuditError, match="cannot read dotenv file .*Permission denied"):
        parser.parse_file(str(path))


def test_fifo_is_refused_without_blocking(tmp_path):
    path = str(tmp_path / "pipe")
    os.mkfifo(path)
    with pytest.raises(AuditError, match="not a regular file"):
        parser.parse_file(path)
