@extends('layout')

@section('title', 'Customers - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>New customer</h1>
        @if ($errors->any())
            <p class="error" role="alert">{{ $errors->first() }}</p>
        @endif
        <form method="POST" action="{{ route('admin.customers.store') }}">
            @csrf
            <label for="name">Name</label>
            <input id="name" name="name" required>
            <label for="email">E-mail</label>
            <input id="email" name="email" type="email">
            <label for="city">City</label>
            <input id="city" name="city">
            <button type="submit">Create customer</button>
        </form>
    </div>
    <div class="card">
        <h2>Customers</h2>
        <table id="customers">
            <tr><th>Name</th><th>E-mail</th><th>City</th><th></th></tr>
            @foreach ($customers as $customer)
                <tr><td>{{ $customer->name }}</td><td>{{ $customer->email }}</td><td>{{ $customer->city }}</td>
                    <td><form method="POST" action="{{ route('admin.customers.destroy', $customer) }}">@csrf
                        <button type="submit" class="delete-customer">Delete</button></form></td></tr>
            @endforeach
        </table>
    </div>
@endsection
