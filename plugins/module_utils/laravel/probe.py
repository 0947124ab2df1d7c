# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runbook's `php artisan tinker` checks, in one PHP process booted like the app: database connection, user
count, cache round trip, queue backlog, failed jobs, columns, named read-only queries and an optional probe job.

The PHP below runs through the laravel wing's runner (``php -r``, in app_path, with the service's variables in the
process environment as ``railway run`` sets them). It reads its spec as JSON on stdin and prints one JSON object;
it never prints configuration or environment values.
"""

from __future__ import annotations

import json

from ansible_collections.facturino.release.plugins.module_utils.common import validate as validate_common
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.process import ModuleCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.laravel.argspec import check_common_options
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import ArtisanRunner

CHECKS = ("db", "users", "cache", "queue", "failed_jobs")

PROBE_PHP = r'''
$spec = json_decode(stream_get_contents(STDIN), true) ?: [];
$out = ['ok' => true, 'errors' => []];
function fail_with(&$out, $name, $e) {
    $out['ok'] = false;
    $out['errors'][$name] = get_class($e) . ': ' . preg_replace('/\s+/', ' ', $e->getMessage());
}
try {
    require getcwd() . '/vendor/autoload.php';
    $app = require_once getcwd() . '/bootstrap/app.php';
    $app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();
} catch (Throwable $e) {
    fail_with($out, 'bootstrap', $e);
    if (empty($out['errors'])) { $out['errors'] = new stdClass(); }
    echo json_encode($out), "\n";
    exit(0);
}
$db = $app->make('db');
$checks = $spec['checks'] ?? [];
foreach ($checks as $check) {
    try {
        switch ($check) {
        case 'db':
            $pdo = $db->connection()->getPdo();
            $out['db'] = ['connected' => true, 'driver' => $pdo->getAttribute(PDO::ATTR_DRIVER_NAME),
                          'server_version' => $pdo->getAttribute(PDO::ATTR_SERVER_VERSION),
                          'database' => $db->connection()->getDatabaseName()];
            break;
        case 'users':
            $out['users'] = $db->table('users')->count();
            break;
        case 'cache':
            $key = 'facturino_release_probe_' . bin2hex(random_bytes(6));
            $value = bin2hex(random_bytes(8));
            $cache = $app->make('cache');
            $cache->put($key, $value, 60);
            $read = $cache->get($key);
            $cache->forget($key);
            $out['cache'] = ['store' => config('cache.default'), 'round_trip' => $read === $value];
            if ($read !== $value) { $out['ok'] = false; $out['errors']['cache'] = 'value read back differs from value written'; }
            break;
        case 'queue':
            $out['queue'] = ['connection' => config('queue.default'),
                             'backlog' => $db->getSchemaBuilder()->hasTable('jobs') ? $db->table('jobs')->count() : null];
            break;
        case 'failed_jobs':
            $out['failed_jobs'] = $db->getSchemaBuilder()->hasTable('failed_jobs') ? $db->table('failed_jobs')->count() : null;
            break;
        default:
            throw new InvalidArgumentException("unknown check $check");
        }
    } catch (Throwable $e) {
        fail_with($out, $check, $e);
    }
}
foreach (($spec['columns'] ?? []) as $table => $patterns) {
    try {
        $found = [];
        foreach ($patterns as $pattern) {
            $rows = $db->select('SELECT column_name FROM information_schema.columns'
                . ' WHERE table_schema = current_schema() AND table_name = ? AND column_name LIKE ?'
                . ' ORDER BY ordinal_position', [$table, $pattern]);
            foreach ($rows as $row) { $found[] = $row->column_name; }
        }
        $out['columns'][$table] = array_values(array_unique($found));
    } catch (Throwable $e) {
        fail_with($out, "columns:$table", $e);
    }
}
foreach (($spec['queries'] ?? []) as $name => $sql) {
    try {
        $row = $db->selectOne($sql);
        $out['queries'][$name] = $row === null ? null : (array) $row;
    } catch (Throwable $e) {
        fail_with($out, "query:$name", $e);
    }
}
if (!empty($spec['dispatch'])) {
    try {
        $code = Illuminate\Support\Facades\Artisan::call($spec['dispatch']);
        $out['dispatch'] = ['command' => $spec['dispatch'], 'rc' => $code, 'output' => trim(Illuminate\Support\Facades\Artisan::output())];
        if ($code !== 0) { $out['ok'] = false; $out['errors']['dispatch'] = "exit code $code"; }
    } catch (Throwable $e) {
        fail_with($out, 'dispatch', $e);
    }
}
if (empty($out['errors'])) { $out['errors'] = new stdClass(); }
echo json_encode($out), "\n";
'''


def validate_spec(checks, columns, queries):
    unknown = [check for check in checks if check not in CHECKS]
    if unknown:
        raise InvalidInputError("checks has unknown entries %s" % ", ".join(unknown),
                                hint="use some of %s" % ", ".join(CHECKS))
    for table, patterns in columns.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise InvalidInputError("columns.%s must be a list of LIKE patterns" % table,
                                    hint="for example columns: {users: ['two_factor%']}")
    for name, sql in queries.items():
        if not isinstance(sql, str) or not sql.lstrip().lower().startswith(("select", "with")):
            raise InvalidInputError("queries.%s must be one read-only SELECT" % name,
                                    hint="write it as SELECT ... returning one row")


def probe(artisan, checks, columns, queries, dispatch):
    """Run the probe; app-side failures come back in ``errors`` (the task itself fails only on bad input)."""
    spec = {"checks": list(checks), "columns": columns, "queries": queries, "dispatch": dispatch or ""}
    result = artisan.run_php(PROBE_PHP, json.dumps(spec))
    outcome = {"changed": False, "duration_ms": result.duration_ms}
    text = (result.stdout or "").strip()
    if getattr(result, "timed_out", False):
        outcome.update(ok=False, errors={"probe": "timed out after %s s" % artisan.timeout})
        return outcome
    try:
        found = json.loads(text.splitlines()[-1]) if text else None
    except ValueError:
        found = None
    if not isinstance(found, dict):
        detail = ((result.stderr or "") + " " + text).strip()[:400]
        outcome.update(ok=False, errors={"probe": "php exited %s without a result: %s" % (result.rc, detail)})
        return outcome
    found.setdefault("errors", {})
    if isinstance(found["errors"], list):
        found["errors"] = {}
    outcome.update(found)
    return outcome


def handle(module, runner=None):
    """``common.module.run_module`` handler of the laravel_probe module."""
    params = module.params
    check_common_options(params)
    validate_common.check_line("dispatch", params.get("dispatch"))
    validate_spec(params["checks"], params["columns"], params["queries"])
    artisan = ArtisanRunner(runner or ModuleCommandRunner(module), params["app_path"], params["php"],
                            params["environment"], params["timeout"])
    artisan.preflight()
    # a probe job is only dispatched for real; check mode reads
    return probe(artisan, params["checks"], params["columns"], params["queries"],
                 "" if module.check_mode else params["dispatch"])
