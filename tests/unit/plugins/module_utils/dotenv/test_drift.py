from ansible_collections.facturino.release.plugins.module_utils.dotenv import drift, parser

LOCAL = "APP_ENV=production\nAPP_URL=https://app.facturino.mk\nDB_PASSWORD=Local-Only-Secret-111\nONLY_LOCAL=1\n"
RAILWAY = {"APP_ENV": "production", "APP_URL": "https://facturino.up.railway.app", "DB_PASSWORD": "Railway-Secret-222",
           "ONLY_RAILWAY": "x"}


def test_missing_extra_and_differing_keys_by_name_only():
    findings = drift.compare(parser.parse_text(LOCAL), parser.from_mapping(RAILWAY), "Railway variables")
    assert drift.summary(findings) == {"missing": ["ONLY_RAILWAY"], "extra": ["ONLY_LOCAL"],
                                       "differs": ["APP_URL", "DB_PASSWORD"]}
    text = repr([f.as_dict() for f in findings])
    for value in ("Local-Only-Secret-111", "Railway-Secret-222", "up.railway.app", "app.facturino.mk"):
        assert value not in text
    assert {f.line for f in findings if f.key == "APP_URL"} == {2}


def test_identical_environments_have_no_drift():
    assert drift.compare(parser.parse_text("A=1\nB= 2\n"), parser.from_mapping({"A": "1", "B": "2"})) == []
