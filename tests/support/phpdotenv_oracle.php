<?php
// Test oracle: loads one dotenv file with a real phpdotenv, as Laravel does, and prints JSON.
//
//   php phpdotenv_oracle.php <phpdotenv src dir | debian> <file>...
//
// Output, one JSON line per file: {"source": ..., "ok": true, "values": [[name, value-or-null], ...]} in the order
// names first appear, or {"ok": false, "reason": ..., "line": N, "message": ...}. Each file is loaded into the
// process environment as it was at start (what phpdotenv wrote for the previous file is undone). phpdotenv reports no line numbers: the line is the
// shortest prefix of the file's lines that phpdotenv already refuses (the last line of the refused entry).
// Used by tests only; never part of the collection.

declare(strict_types=1);

if ($argc < 3) {
    fwrite(STDERR, "usage: phpdotenv_oracle.php <src dir|debian> <file>...\n");
    exit(2);
}

if ($argv[1] === 'debian') {
    require_once '/usr/share/php/Dotenv/autoload.php';
} else {
    require_once '/usr/share/php/GrahamCampbell/ResultType/autoload.php';
    require_once '/usr/share/php/PhpOption/autoload.php';
    $src = rtrim($argv[1], '/');
    spl_autoload_register(static function (string $class) use ($src) {
        if (strpos($class, 'Dotenv\\') === 0) {
            $path = $src.'/'.str_replace('\\', '/', substr($class, 7)).'.php';
            if (is_file($path)) {
                require $path;
            }
        }
    }, true, true);
}

use Dotenv\Dotenv;
use Dotenv\Exception\InvalidFileException;
use Dotenv\Parser\Parser;
use Dotenv\Repository\Adapter\PutenvAdapter;
use Dotenv\Repository\RepositoryBuilder;
use Dotenv\Store\File\Reader;

$version = (new ReflectionClass(Dotenv::class))->getFileName();
$initialServer = $_SERVER;
$initialEnv = $_ENV;
$initialGetenv = getenv();

function emit(array $data): void
{
    echo json_encode($data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}

function restore(array $server, array $env, array $getenv, array $names): void
{
    $_SERVER = $server;
    $_ENV = $env;
    // getenv() lists neither every name (a dotted one is missing) nor as strings (a numeric one is an integer):
    // undo the names the file loaded, then anything else that changed.
    foreach (array_merge($names, array_keys(getenv())) as $name) {
        $name = (string) $name;
        if (!array_key_exists($name, $getenv)) {
            putenv($name);
        }
    }
    foreach ($getenv as $name => $value) {
        if (getenv((string) $name) !== $value) {
            putenv($name.'='.$value);
        }
    }
}

/** @return string[] the names the file loaded */
function oracle(string $file, string $version): array
{
    // The content exactly as Dotenv reads it (UTF-8 conversion, BOM removed).
    $contents = Reader::read([$file]);
    $content = (string) reset($contents);
    $parser = new Parser();

    try {
        $entries = $parser->parse($content);
    } catch (InvalidFileException $error) {
        $lines = preg_split("/(\r\n|\n|\r)/", $content);
        $low = 1;
        $high = count($lines);
        while ($low < $high) {
            $middle = intdiv($low + $high, 2);
            try {
                $parser->parse(implode("\n", array_slice($lines, 0, $middle)));
                $low = $middle + 1;
            } catch (InvalidFileException $ignored) {
                $high = $middle;
            }
        }
        preg_match('/Encountered (.*) at \[/s', $error->getMessage(), $match);
        emit(['source' => $version, 'ok' => false, 'reason' => $match[1] ?? $error->getMessage(), 'line' => $low,
              'message' => $error->getMessage()]);
        return [];
    }

    // Laravel's repository: $_SERVER, $_ENV and putenv, immutable (Illuminate\Support\Env::getRepository()).
    $repository = RepositoryBuilder::createWithDefaultAdapters()->addAdapter(PutenvAdapter::class)->immutable()->make();
    Dotenv::create($repository, dirname($file), basename($file))->load();

    $values = [];
    $seen = [];
    foreach ($entries as $entry) {
        $name = $entry->getName();
        if (!isset($seen[$name])) {
            $seen[$name] = true;
            $values[] = [$name, $repository->get($name)];
        }
    }
    emit(['source' => $version, 'ok' => true, 'values' => $values]);
    return array_keys($seen);
}

foreach (array_slice($argv, 2) as $file) {
    restore($initialServer, $initialEnv, $initialGetenv, oracle($file, $version));
}
