"""Argument spec and the masking of environment values."""

from ansible.module_utils.basic import remove_values

from ansible_collections.facturino.release.plugins.module_utils.laravel import argspec as args


class FakeModule:
    def __init__(self, environment, no_log_values):
        self.params = {"environment": environment}
        self.no_log_values = set(no_log_values)


def test_spec_marks_environment_and_secret_no_log():
    spec = args.artisan_argument_spec()
    assert spec["environment"]["no_log"] is True and spec["secret"]["no_log"] is True
    assert set(args.LARAVEL_COMMON_ARGS) <= set(spec)
    assert args.laravel_common_argument_spec() is not args.laravel_common_argument_spec()


def test_small_non_secret_values_stay_readable_and_secrets_stay_masked():
    environment = {"REDIS_DB": "0", "DB_PORT": "5432", "APP_DEBUG": "false", "DB_PASSWORD": "s3cret-pw", "PIN": "123456"}
    module = FakeModule(environment, environment.values())
    args.prune_no_log_values(module)
    assert module.no_log_values == {"s3cret-pw", "123456"}
    result = remove_values({"rc": 0, "batch": 1, "stdout": "0001_01 s3cret-pw"}, module.no_log_values)
    assert result == {"rc": 0, "batch": 1, "stdout": "0001_01 ********"}


def test_public_settings_stay_readable_unless_a_secret_shares_the_value():
    environment = {"DB_DATABASE": "railway", "QUEUE_CONNECTION": "database", "DB_USERNAME": "postgres",
                   "DB_PASSWORD": "postgres", "DATABASE_URL": "postgresql://postgres:postgres@db/railway"}
    module = FakeModule(environment, environment.values())
    args.prune_no_log_values(module)
    assert module.no_log_values == {"postgres", "postgresql://postgres:postgres@db/railway"}
