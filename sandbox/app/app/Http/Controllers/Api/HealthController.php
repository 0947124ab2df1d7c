<?php

namespace App\Http\Controllers\Api;

use App\Http\Controllers\Controller;
use Illuminate\Http\JsonResponse;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Log;
use Throwable;

class HealthController extends Controller
{
    /**
     * GET /api/health: 200 when a real query succeeds, 503 otherwise.
     */
    public function __invoke(): JsonResponse
    {
        $timestamp = now()->toIso8601String();

        try {
            DB::connection()->select('select 1 as ok');
        } catch (Throwable $e) {
            Log::error('Health check: database unreachable', ['exception' => get_class($e)]);

            return response()->json([
                'status' => 'error',
                'timestamp' => $timestamp,
                'database' => 'error',
                'error' => get_class($e),
            ], 503);
        }

        return response()->json([
            'status' => 'ok',
            'timestamp' => $timestamp,
            'database' => 'ok',
        ]);
    }
}
