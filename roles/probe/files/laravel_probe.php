<?php
/*
 * Read-only (except the cache round trip key and an optional job dispatch) probes of a Laravel app, in ONE
 * PHP process: what the runbook does by hand in `php artisan tinker`. Reads a JSON spec on stdin:
 *   {"checks": ["db", "users", "cache", "queue", "failed_jobs"], "dispatch": "artisan:command or empty",
 *    "columns": {"users": ["two_factor%"]}, "queries": {"name": "SELECT ... (one row, scalar columns)"}}
 * and prints one JSON object. Never prints configuration or environment values.
 */
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
            $rows = $db->select('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name LIKE ? ORDER BY ordinal_position', [$table, $pattern]);
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
