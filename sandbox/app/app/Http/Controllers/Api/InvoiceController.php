<?php

namespace App\Http\Controllers\Api;

use App\Http\Controllers\Controller;
use App\Jobs\SendInvoiceEmail;
use App\Models\Invoice;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;

class InvoiceController extends Controller
{
    public function index(): JsonResponse
    {
        return response()->json(['data' => Invoice::orderByDesc('id')->limit(100)->get()]);
    }

    public function store(Request $request): JsonResponse
    {
        $data = $this->validate($request, [
            'customer_id' => ['required', 'integer', 'exists:customers,id'],
            'number' => ['nullable', 'string', 'max:32', 'unique:invoices,number'],
            'amount' => ['required', 'numeric', 'min:0'],
            'currency' => ['nullable', 'string', 'size:3'],
            'issued_at' => ['nullable', 'date'],
            'send' => ['sometimes', 'boolean'],
        ]);

        $invoice = Invoice::create([
            'customer_id' => $data['customer_id'],
            'user_id' => optional($request->user())->id,
            'number' => $data['number'] ?? Invoice::nextNumber(),
            'amount' => $data['amount'],
            'currency' => strtoupper($data['currency'] ?? 'EUR'),
            'status' => Invoice::STATUS_DRAFT,
            'issued_at' => $data['issued_at'] ?? now(),
        ]);

        if ($request->boolean('send')) {
            $invoice->update(['status' => Invoice::STATUS_QUEUED]);
            SendInvoiceEmail::dispatch($invoice);
        }

        return response()->json(['data' => $invoice->fresh()], 201);
    }

    public function show(Invoice $invoice): JsonResponse
    {
        return response()->json(['data' => $invoice->load('customer')]);
    }
}
