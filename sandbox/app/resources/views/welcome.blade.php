@extends('layout')

@section('title', config('app.name').' - Invoicing')

@section('content')
    <div class="card">
        <h1>Welcome to {{ config('app.name') }}</h1>
        <p>Invoicing for small businesses. Version {{ $version }}.</p>
        <p><a href="{{ route('admin.login') }}">Admin sign in</a></p>
    </div>
@endsection
