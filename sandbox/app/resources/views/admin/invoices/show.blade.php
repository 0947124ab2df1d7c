@extends('layout')

@section('title', 'Invoice '.$invoice->number.' - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Invoice <span id="invoice-number">{{ $invoice->number }}</span></h1>
        <table>
            <tr><th>Customer</th><td>{{ optional($invoice->customer)->name }} ({{ optional($invoice->customer)->email }})</td></tr>
            <tr><th>Amount</th><td>{{ $invoice->amount }} {{ $invoice->currency }}</td></tr>
            <tr><th>Status</th><td id="invoice-status">{{ $invoice->status }}</td></tr>
        </table>
        <p><a id="invoice-pdf" href="{{ route('admin.invoices.pdf', $invoice) }}">Download PDF</a></p>
        <form method="POST" action="{{ route('admin.invoices.send', $invoice) }}">
            @csrf
            <button type="submit" id="send-invoice">Send by e-mail</button>
        </form>
    </div>
@endsection
