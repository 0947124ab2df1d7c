<?php

use Illuminate\Support\Str;

return [

    // CACHE_DRIVER is Laravel 8's name; CACHE_STORE (Laravel 11+) is accepted as an alias.
    'default' => env('CACHE_DRIVER', env('CACHE_STORE', 'database')),

    // Store used by the rate limiter (throttle middleware).
    'limiter' => env('CACHE_LIMITER'),

    'stores' => [

        'array' => [
            'driver' => 'array',
            'serialize' => false,
        ],

        'database' => [
            'driver' => 'database',
            'table' => 'cache',
            'connection' => null,
            'lock_connection' => null,
        ],

        'file' => [
            'driver' => 'file',
            'path' => storage_path('framework/cache/data'),
        ],

        'redis' => [
            'driver' => 'redis',
            'connection' => 'cache',
            'lock_connection' => 'default',
        ],

    ],

    'prefix' => env('CACHE_PREFIX', Str::slug(env('APP_NAME', 'facturino'), '_').'_cache_'),

];
