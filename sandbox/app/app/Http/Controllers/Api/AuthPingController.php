<?php

namespace App\Http\Controllers\Api;

use App\Http\Controllers\Controller;
use Illuminate\Http\JsonResponse;

class AuthPingController extends Controller
{
    public function __invoke(): JsonResponse
    {
        return response()->json(['message' => 'pong']);
    }
}
