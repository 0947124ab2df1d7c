@extends('layout')

@section('title', 'Dashboard - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Dashboard</h1>
        <p>Signed in as {{ $user->name }} ({{ $user->email }}).</p>
        <nav>
            <a href="{{ route('admin.invoices.index') }}">Invoices</a>
            <a href="{{ route('admin.invoices.create') }}">New invoice</a>
            <a href="{{ route('admin.customers.index') }}">Customers</a>
            <a href="{{ route('admin.receipts.index') }}">Receipts</a>
            <a href="{{ route('admin.two-factor') }}">Two-factor authentication</a>
        </nav>
        <form method="POST" action="{{ route('admin.logout') }}">
            @csrf
            <button type="submit">Sign out</button>
        </form>
    </div>

    <div class="card">
        <table>
            <tr><th>Invoices</th><td id="invoice-count">{{ $invoiceCount }}</td></tr>
            <tr><th>Customers</th><td id="customer-count">{{ $customerCount }}</td></tr>
            <tr><th>Sent</th><td id="sent-count">{{ $sentCount }}</td></tr>
            <tr><th>Outstanding</th><td>{{ number_format((float) $outstanding, 2) }}</td></tr>
        </table>
    </div>

    <div class="card">
        <h2>Latest invoices</h2>
        <table>
            <tr><th>Number</th><th>Customer</th><th>Amount</th><th>Status</th></tr>
            @forelse ($latest as $invoice)
                <tr>
                    <td>{{ $invoice->number }}</td>
                    <td>{{ optional($invoice->customer)->name }}</td>
                    <td>{{ $invoice->amount }} {{ $invoice->currency }}</td>
                    <td>{{ $invoice->status }}</td>
                </tr>
            @empty
                <tr><td colspan="4">No invoices yet.</td></tr>
            @endforelse
        </table>
    </div>
@endsection
