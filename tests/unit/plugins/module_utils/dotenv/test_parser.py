import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import AuditError
from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser


def issues(document):
    return sorted((rule, key, line) for rule, key, line, _message in document.issues)


def test_values_quotes_comments_and_export():
    doc = parser.parse_text(
        "# comment\n"
        "export APP_NAME=\"Facturino Cloud\"  # inline\n"
        "SINGLE='raw ${NOT_EXPANDED}'\n"
        "PLAIN=abc   # trailing comment\n"
        "HASH=abc#not-a-comment\n"
        "ESCAPED=\"say \\\"hi\\\"\"\n"
        "EMPTY=\n"
    )
    assert doc.raw("APP_NAME") == "Facturino Cloud"
    assert doc.raw("SINGLE") == "raw ${NOT_EXPANDED}"
    assert doc.raw("PLAIN") == "abc"
    assert doc.raw("HASH") == "abc#not-a-comment"
    assert doc.raw("ESCAPED") == 'say "hi"'
    assert "EMPTY" in doc.values and not doc.has("EMPTY")
    assert doc.line("PLAIN") == 4
    assert issues(doc) == []  # single quotes are literal: no undefined-reference


def test_syntax_issues_carry_lines():
    doc = parser.parse_text(
        "A=1\n"           # 1
        "no equals\n"     # 2
        "9KEY=x\n"        # 3
        "A=2\n"           # 4
        "B=${MISSING}\n"  # 5
        "C=two words\n"   # 6
        "D=\"multi\n"     # 7
        "line\"\n"        # 8
        "E=ok\n"          # 9
        "F=\"open\n"      # 10
    )
    assert issues(doc) == sorted([
        ("malformed-line", None, 2), ("invalid-key-name", None, 3), ("duplicate-key", "A", 4),
        ("undefined-reference", "B", 5), ("unquoted-whitespace", "C", 6), ("multiline-value", "D", 7),
        ("unbalanced-quotes", "F", 10),
    ])
    assert doc.raw("A") == "2" and doc.raw("D") == "multi\nline" and doc.raw("E") == "ok"


def test_bom_and_crlf_are_reported_and_handled():
    doc = parser.parse_text("\ufeffAPP_ENV=production\r\nAPP_DEBUG=false\r\n")
    assert issues(doc) == [("bom", None, 1), ("crlf", None, 1)]
    assert doc.raw("APP_ENV") == "production"  # the BOM did not corrupt the first key
    assert doc.values["APP_DEBUG"].value.reveal() == "false"  # no trailing \r


def test_defined_reference_is_fine():
    doc = parser.parse_text("APP_NAME=Facturino\nMAIL_FROM_NAME=\"${APP_NAME}\"\n")
    assert issues(doc) == []


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
