"""Where a `railway run` step can reach a private value: find_private, pick_proxy, controller_view."""

from ansible_collections.facturino.release.plugins.module_utils.railway import network

SERVICES = [{"id": "app-1", "name": "facturino-app"}, {"id": "pg-1", "name": "Postgres"},
            {"id": "rd-1", "name": "Redis Cache"}]
PRIVATE_URL = "postgresql://u:secret@postgres.railway.internal:5432/railway"
PROXY = {"id": "p1", "domain": "shuttle.proxy.rlwy.net", "proxyPort": 15432, "applicationPort": 5432,
         "syncStatus": "ACTIVE"}


def test_a_reference_names_the_service_that_owns_the_private_value():
    found = network.find_private({"DATABASE_URL": PRIVATE_URL, "APP_ENV": "production"},
                                 {"DATABASE_URL": "${{Postgres.DATABASE_URL}}"}, SERVICES)
    assert found == [{"variable": "DATABASE_URL", "host": "postgres.railway.internal", "port": 5432,
                      "service": "Postgres", "service_id": "pg-1"}]


def test_without_a_reference_the_private_name_is_matched_to_the_service_slug_and_the_scheme_gives_the_port():
    found = network.find_private({"REDIS_URL": "redis://default:pw@redis-cache.railway.internal/0"}, {}, SERVICES)
    assert found[0]["service"] == "Redis Cache" and found[0]["port"] == 6379


def test_railways_injected_variables_and_public_values_are_not_private_steps():
    found = network.find_private({"RAILWAY_PRIVATE_DOMAIN": "facturino-app.railway.internal",
                                  "APP_URL": "https://facturino.up.railway.app",
                                  "NOTE": "not-railway.internal.example.com"}, {}, SERVICES)
    assert found == []


def test_an_unknown_private_name_has_no_service():
    found = network.find_private({"X_URL": "http://ghost.railway.internal:8080"}, {}, SERVICES)
    assert found[0]["service"] is None and found[0]["port"] == 8080


def test_the_proxy_of_the_application_port_is_picked_and_the_value_rewritten():
    private = network.find_private({"DATABASE_URL": PRIVATE_URL}, {"DATABASE_URL": "${{Postgres.DATABASE_URL}}"},
                                   SERVICES)
    other = dict(PROXY, id="p2", applicationPort=8080, proxyPort=18080)
    values, entries = network.controller_view({"DATABASE_URL": PRIVATE_URL}, private, {"pg-1": [other, PROXY]})
    assert values["DATABASE_URL"] == "postgresql://u:secret@shuttle.proxy.rlwy.net:15432/railway"
    assert entries[0]["reachable"] is True and entries[0]["public"] == "shuttle.proxy.rlwy.net:15432"
    assert "secret" not in repr(entries)


def test_without_a_proxy_the_value_stays_private_and_unreachable():
    private = network.find_private({"DATABASE_URL": PRIVATE_URL}, {}, SERVICES)
    values, entries = network.controller_view({"DATABASE_URL": PRIVATE_URL}, private, {"pg-1": []})
    assert values["DATABASE_URL"] == PRIVATE_URL
    assert entries[0]["reachable"] is False and entries[0]["public"] is None


def test_a_deleted_proxy_or_one_for_another_port_is_not_used():
    assert network.pick_proxy([dict(PROXY, syncStatus="DELETED")], 5432) is None
    assert network.pick_proxy([dict(PROXY, applicationPort=6379)], 5432) is None
    assert network.pick_proxy([PROXY], None) == PROXY


def test_the_rewrite_touches_only_the_private_host_and_its_port():
    value = "postgresql://u:p@postgres.railway.internal:5432/db?options=postgres.railway.internal:54321"
    out = network.public_value(value, "postgres.railway.internal", 5432, PROXY)
    assert out.startswith("postgresql://u:p@shuttle.proxy.rlwy.net:15432/db?")
    assert out.endswith("postgres.railway.internal:54321")
