<?php

namespace App\Http\Middleware;

use Illuminate\Foundation\Http\Middleware\VerifyCsrfToken as Middleware;

class VerifyCsrfToken extends Middleware
{
    /**
     * URIs excluded from CSRF verification (none: the JSON API lives in the
     * "api" group, which has no session and no CSRF check).
     *
     * @var array<int, string>
     */
    protected $except = [];
}
