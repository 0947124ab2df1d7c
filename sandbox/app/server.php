<?php

/**
 * Router script for PHP's built-in web server:
 *   php -S 0.0.0.0:$PORT -t public server.php
 * Static files under public/ are served as they are; everything else goes
 * through the front controller.
 */
$uri = urldecode(
    parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/'
);

if ($uri !== '/' && file_exists(__DIR__.'/public'.$uri)) {
    return false;
}

require_once __DIR__.'/public/index.php';
