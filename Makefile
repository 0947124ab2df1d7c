# facturino.release: one-command set-up, release and test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
ACTIVATE := source $(VENV)/bin/activate
PYTEST_ARGS ?=

.PHONY: help venv php-oracle sandbox-up sandbox-down sandbox-reset release test sanity lint units sandbox-tests integration isolated-tests shared-tests shared-tests-a shared-tests-b suites matrix bench clean faults \
	sanity-run lint-run isolated-run shared-a-run shared-b-run sandbox-b-up

help:
	@echo "make release   set up everything and run playbooks/release.yml on the sandbox"
	@echo "make test      set up everything and run the whole test suite (the version matrix included)"
	@echo "make matrix    unit tests, ansible-doc and release scenarios 1 and 3 on every supported ansible-core"
	@echo "make sandbox-up | sandbox-down | sandbox-reset"

venv:
	@scripts/bootstrap.sh

# The ansible-core version matrix: every minor meta/runtime.yml claims (2.17 to 2.21), each in its own venv cached
# under ~/.cache/facturino-release/venvs, runs the unit tests, ansible-doc on every module, and scenarios 1 and 3
# on a sandbox of its own (sandbox/.state-matrix, ports 25790/25791/25800-25899, database facturino_matrix), so it
# runs beside the suites that use the default sandbox. FACTURINO_MATRIX_CORES=2.17,2.21 runs a subset.
matrix: venv
	@$(VENV)/bin/python scripts/core_matrix.py

# phpdotenv as Laravel loads it, for the env_audit differential test: php-cli and Debian's php-vlucas-phpdotenv
# (5.4, which also brings the libraries the shared 5.6 copy needs).
php-oracle:
	@{ command -v php >/dev/null && [ -f /usr/share/php/Dotenv/autoload.php ]; } \
	  || { echo "php-oracle: installing php-cli and php-vlucas-phpdotenv"; \
	       { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq php-cli php-vlucas-phpdotenv >/dev/null 2>&1 \
	         || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq php-cli \
	              php-vlucas-phpdotenv >/dev/null; }; } \
	       || echo "php-oracle: php-cli or php-vlucas-phpdotenv did not install; the differential test skips"; }

sandbox-up: venv
	@$(ACTIVATE) && sandbox/bin/up

sandbox-down:
	@sandbox/bin/down

sandbox-reset: venv
	@$(ACTIVATE) && sandbox/bin/reset

release: sandbox-up
	@$(ACTIVATE) && scripts/release.py playbooks/release.yml

# The release-level fault matrix (tests/faults/run_faults.py, about 15 minutes): not part of `make test`.
faults: sandbox-up
	@$(ACTIVATE) && python tests/faults/run_faults.py $(FAULTS)

sanity: venv sanity-run
# The *-run targets have no prerequisites: `make suites` prepares the venv and the sandboxes once, then runs them
# side by side (two makes preparing the same thing at once would race).
sanity-run:
	@command -v shellcheck >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq shellcheck >/dev/null 2>&1) || echo "shellcheck unavailable: the sanity shellcheck test is skipped"
	@$(ACTIVATE) && scripts/ansible-test.sh sanity --python 3.11 --requirements --color no

lint: venv lint-run
lint-run:
	@$(ACTIVATE) && ansible-lint --profile production playbooks/ roles/

units: venv php-oracle
	@$(ACTIVATE) && python -m pytest -q tests/unit $(PYTEST_ARGS)

sandbox-tests: sandbox-up
	@$(ACTIVATE) && python -m pytest -q tests/sandbox $(PYTEST_ARGS)

integration: sandbox-up
	@$(ACTIVATE) && python -m pytest -q tests/integration $(PYTEST_ARGS)

# Suites that bring their own databases, clones and emulators run beside the ones that share the sandbox's
# deployment and database (those run one after another, since each leaves the base commit active).
ISOLATED_TESTS := tests/sandbox/test_emulator_api.py tests/sandbox/test_emulator_deploy.py tests/sandbox/test_emulator_network.py \
	tests/sandbox/test_emulator_schema.py tests/integration/test_artisan.py \
	tests/integration/test_pg_backup.py tests/integration/test_env_audit.py tests/integration/test_release_notify.py \
	tests/integration/test_dotenv_differential.py tests/integration/test_bad_input_corpus.py \
	tests/integration/test_browser_check.py tests/integration/test_report_html.py \
	tests/integration/test_stability_schedule.py
# Suites that share a sandbox's deployment and database run one after another (each leaves the base commit
# active); there are two such sandboxes, so that the two halves run side by side. The second one has its own state
# directory, ports and database, like the version matrix's.
SHARED_TESTS_A := tests/sandbox/test_app.py tests/integration/test_artisan_in_ansible.py tests/integration/test_railway_deploy.py \
	tests/integration/test_railway_deploy_info.py tests/integration/test_http_health.py \
	tests/integration/test_release_scenarios.py tests/integration/test_ci_example.py \
	tests/integration/test_collection_install.py
SHARED_TESTS_B := tests/integration/test_railway_network.py tests/integration/test_release_runner.py \
	tests/integration/test_release_operations.py tests/integration/test_release_interrupted.py \
	tests/integration/test_release_rollback_failed.py tests/integration/test_secret_sweep.py
SHARED_TESTS := $(SHARED_TESTS_A) $(SHARED_TESTS_B)
SANDBOX_B := SANDBOX_STATE_DIR=$(CURDIR)/sandbox/.state-b RAILWAY_EMULATOR_PORT=24790 RAILWAY_EMULATOR_DOMAIN_PORT=24791 \
	RAILWAY_EMULATOR_DEPLOY_PORTS=24800-24899 SANDBOX_DB_NAME=facturino_b

isolated-tests: sandbox-up php-oracle isolated-run
isolated-run:
	@$(ACTIVATE) && python -m pytest -q $(ISOLATED_TESTS) $(PYTEST_ARGS)

shared-tests: sandbox-up sandbox-b-up
	@scripts/side_by_side.sh shared-a-run shared-b-run

shared-tests-a: sandbox-up shared-a-run
shared-a-run:
	@$(ACTIVATE) && python -m pytest -q $(SHARED_TESTS_A) $(PYTEST_ARGS)

shared-tests-b: sandbox-b-up shared-b-run
shared-b-run:
	@$(ACTIVATE) && $(SANDBOX_B) python -m pytest -q $(SHARED_TESTS_B) $(PYTEST_ARGS)

sandbox-b-up: venv
	@$(ACTIVATE) && $(SANDBOX_B) sandbox/bin/up >/dev/null

# The matrix (mostly waiting on deployments) runs beside the suites from start to end; its table is shown again last.
test: venv
	@$(VENV)/bin/python scripts/core_matrix.py & matrix=$$!; \
	  $(MAKE) --no-print-directory suites; suites=$$?; wait $$matrix; rc=$$?; \
	  cat tests/output/matrix/table.md 2>/dev/null; \
	  [ $$suites -eq 0 ] || { echo "make test: a suite failed (see above)"; exit 1; }; \
	  [ $$rc -eq 0 ] || { echo "make test: the version matrix failed (logs: tests/output/matrix/)"; exit 1; }; \
	  echo "make test: all suites passed"

suites: venv
	@scripts/side_by_side.sh sanity-run lint-run
	@$(MAKE) --no-print-directory units
	@$(MAKE) --no-print-directory sandbox-up sandbox-b-up php-oracle
	@scripts/side_by_side.sh isolated-run shared-a-run shared-b-run

bench: sandbox-up
	@$(ACTIVATE) && python bench/release.py && python bench/http_health.py && python bench/pg_backup.py

clean: sandbox-down
	@$(SANDBOX_B) sandbox/bin/down >/dev/null 2>&1 || true
	rm -rf .collections tests/output reports
