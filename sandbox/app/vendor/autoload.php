<?php

// There is no Composer vendor tree: the framework comes from Debian's
// php-laravel-framework package. This shim keeps artisan, public/index.php
// and tools that look for vendor/autoload.php working unchanged.
return require __DIR__.'/../bootstrap/autoload.php';
