<?php

use App\Http\Controllers\Api\AuthPingController;
use App\Http\Controllers\Api\CustomerController;
use App\Http\Controllers\Api\HealthController;
use App\Http\Controllers\Api\InvoiceController;
use Illuminate\Support\Facades\Route;

/*
| Probes are exempt from the rate limiter: it stores its counters in the
| cache (the database by default) and must not turn a DB outage into a 500
| or throttle a health checker.
*/
Route::get('/health', HealthController::class)
    ->name('api.health')
    ->withoutMiddleware('throttle:api');

Route::prefix('v1')->name('api.v1.')->group(function () {
    Route::get('/auth/ping', AuthPingController::class)
        ->name('auth.ping')
        ->withoutMiddleware('throttle:api');

    Route::middleware('api.token')->group(function () {
        Route::get('/customers', [CustomerController::class, 'index'])->name('customers.index');
        Route::post('/customers', [CustomerController::class, 'store'])->name('customers.store');
        Route::get('/customers/{customer}', [CustomerController::class, 'show'])->name('customers.show');

        Route::get('/invoices', [InvoiceController::class, 'index'])->name('invoices.index');
        Route::post('/invoices', [InvoiceController::class, 'store'])->name('invoices.store');
        Route::get('/invoices/{invoice}', [InvoiceController::class, 'show'])->name('invoices.show');
    });
});
