from ansible_collections.facturino.release.plugins.module_utils.dotenv import masking, parser


def test_secrets_urls_and_tokens_are_masked_plain_values_are_not():
    doc = parser.parse_text(
        "DB_PASSWORD=pw-Secret-9\nAPP_DEBUG=false\nDB_PORT=5432\nAPP_NAME=facturino\n"
        "DATABASE_URL=postgresql://u:Url-Pass-77@db:5432/app\nSOME_ID=Zq8vKx2LmN4pR7sT\nMAIL_PASSWORD=abc\n"
    )
    mask, unmask = masking.values_to_mask([doc, None], extra=["literal-from-source"])
    assert {"pw-Secret-9", "Url-Pass-77", "Zq8vKx2LmN4pR7sT", "literal-from-source"} <= mask
    assert "postgresql://u:Url-Pass-77@db:5432/app" in mask
    assert {"false", "5432", "facturino"} <= unmask
    assert not mask & unmask
    assert "abc" not in mask  # too short to mask without wrecking every message ...
    assert "abc" not in unmask  # ... but a secret is never taken off a mask Ansible already set
