@extends('layout')

@section('title', 'Invoices - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Invoices</h1>
        <p><a href="{{ route('admin.invoices.create') }}" id="new-invoice">New invoice</a></p>
        <table id="invoices">
            <tr><th>Number</th><th>Customer</th><th>Amount</th><th>Status</th></tr>
            @foreach ($invoices as $invoice)
                <tr>
                    <td><a href="{{ route('admin.invoices.show', $invoice) }}">{{ $invoice->number }}</a></td>
                    <td>{{ optional($invoice->customer)->name }}</td>
                    <td>{{ $invoice->amount }} {{ $invoice->currency }}</td>
                    <td>{{ $invoice->status }}</td>
                </tr>
            @endforeach
        </table>
    </div>
@endsection
