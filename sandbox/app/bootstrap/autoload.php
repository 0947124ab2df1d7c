<?php

/*
|--------------------------------------------------------------------------
| Autoloading without Composer
|--------------------------------------------------------------------------
|
| Debian ships Laravel 8.83 and all of its dependencies under /usr/share/php.
| Its aggregate autoloader uses relative require_once calls, so the include
| path must contain /usr/share/php. The application's own namespaces are
| mapped by the small PSR-4 loader below (the same map as composer.json).
|
*/

$sharePhp = getenv('LARAVEL_SHARE_PHP') ?: '/usr/share/php';

if (! in_array($sharePhp, explode(PATH_SEPARATOR, get_include_path()), true)) {
    set_include_path(get_include_path().PATH_SEPARATOR.$sharePhp);
}

require_once $sharePhp.'/Illuminate/autoload.php';

spl_autoload_register(static function (string $class): void {
    static $map = [
        'App\\' => __DIR__.'/../app/',
        'Database\\Factories\\' => __DIR__.'/../database/factories/',
        'Database\\Seeders\\' => __DIR__.'/../database/seeders/',
    ];

    foreach ($map as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
            if (is_file($file)) {
                require $file;
            }

            return;
        }
    }
});

return true;
