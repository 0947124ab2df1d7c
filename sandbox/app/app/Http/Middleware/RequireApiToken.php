<?php

namespace App\Http\Middleware;

use Closure;
use Illuminate\Http\Request;

/**
 * When SANDBOX_API_TOKEN is set, write endpoints require
 * "Authorization: Bearer <token>". Unset (the sandbox default): open.
 */
class RequireApiToken
{
    public function handle(Request $request, Closure $next)
    {
        $expected = (string) config('app.api_token');

        if ($expected !== '' && ! hash_equals($expected, (string) $request->bearerToken())) {
            return response()->json(['message' => 'Unauthenticated.'], 401);
        }

        return $next($request);
    }
}
