@extends('layout')

@section('title', 'New invoice - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>New invoice</h1>
        @if ($errors->any())
            <p class="error" role="alert">{{ $errors->first() }}</p>
        @endif
        <form method="POST" action="{{ route('admin.invoices.store') }}">
            @csrf
            <label for="customer_id">Customer</label>
            <select id="customer_id" name="customer_id" required>
                @foreach ($customers as $customer)
                    <option value="{{ $customer->id }}">{{ $customer->name }}</option>
                @endforeach
            </select>
            <label for="amount">Amount</label>
            <input id="amount" name="amount" type="number" step="0.01" min="0" required>
            <label for="currency">Currency</label>
            <input id="currency" name="currency" value="EUR" maxlength="3">
            <button type="submit">Create invoice</button>
        </form>
    </div>
@endsection
