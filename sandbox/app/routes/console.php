<?php

use Illuminate\Support\Facades\Artisan;

Artisan::command('sandbox:version', function () {
    $this->line(config('app.name').' '.config('app.version'));
})->purpose('Print the application version');
