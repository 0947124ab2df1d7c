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
     * GET /api/health, now also checking the queue backlog.
     *
     * Regression: the backlog check reads a config key that does not exist,
     * so the comparison is always true and the endpoint answers 500 even
     * though the database is fine.
     */
    public function __invoke(): JsonResponse
    {
        $timestamp = now()->toIso8601String();

        try {
            DB::connection()->select('select 1 as ok');
            $backlog = DB::table('jobs')->count();
        } catch (Throwable $e) {
            return response()->json([
                'status' => 'error',
                'timestamp' => $timestamp,
                'database' => 'error',
                'error' => get_class($e),
            ], 503);
        }

        $limit = (int) config('queue.backlog_limit');

        if ($backlog >= $limit) {
            Log::error('Health check: queue backlog over limit', ['backlog' => $backlog, 'limit' => $limit]);

            return response()->json([
                'status' => 'error',
                'timestamp' => $timestamp,
                'database' => 'ok',
                'queue' => 'backlog',
                'error' => "queue backlog {$backlog} >= {$limit}",
            ], 500);
        }

        return response()->json([
            'status' => 'ok',
            'timestamp' => $timestamp,
            'database' => 'ok',
        ]);
    }
}
