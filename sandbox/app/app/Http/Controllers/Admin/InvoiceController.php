<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use App\Jobs\SendInvoiceEmail;
use App\Models\Customer;
use App\Models\Invoice;
use App\Support\InvoicePdf;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;

class InvoiceController extends Controller
{
    public function index()
    {
        return view('admin.invoices.index', ['invoices' => Invoice::with('customer')->orderByDesc('id')->limit(50)->get()]);
    }

    public function create()
    {
        return view('admin.invoices.create', ['customers' => Customer::orderBy('name')->get()]);
    }

    public function store(Request $request): RedirectResponse
    {
        $data = $this->validate($request, [
            'customer_id' => ['required', 'integer', 'exists:customers,id'],
            'amount' => ['required', 'numeric', 'min:0'],
            'currency' => ['nullable', 'string', 'size:3'],
        ]);
        $invoice = Invoice::create([
            'customer_id' => $data['customer_id'],
            'user_id' => $request->user()->id,
            'number' => Invoice::nextNumber(),
            'amount' => $data['amount'],
            'currency' => strtoupper($data['currency'] ?? 'EUR'),
            'status' => Invoice::STATUS_DRAFT,
            'issued_at' => now(),
        ]);

        return redirect()->route('admin.invoices.show', $invoice)->with('status', "Invoice {$invoice->number} created.");
    }

    public function show(Invoice $invoice)
    {
        return view('admin.invoices.show', ['invoice' => $invoice->load('customer')]);
    }

    public function pdf(Invoice $invoice)
    {
        $name = 'invoice-'.$invoice->number.'.pdf';

        return response(InvoicePdf::render($invoice), 200, [
            'Content-Type' => 'application/pdf',
            'Content-Disposition' => 'attachment; filename="'.$name.'"',
        ]);
    }

    public function send(Invoice $invoice): RedirectResponse
    {
        $invoice->update(['status' => Invoice::STATUS_QUEUED]);
        SendInvoiceEmail::dispatch($invoice);

        return redirect()->route('admin.invoices.show', $invoice)
            ->with('status', "Invoice {$invoice->number} queued for e-mail to ".optional($invoice->customer)->email.'.');
    }
}
