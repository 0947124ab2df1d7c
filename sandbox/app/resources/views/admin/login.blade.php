@extends('layout')

@section('title', 'Sign in - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Sign in</h1>

        @if ($errors->any())
            <p class="error" role="alert">{{ $errors->first() }}</p>
        @endif

        <form method="POST" action="{{ route('admin.login.attempt') }}">
            <input type="hidden" name="_token" value="{{ csrf_token() }}">

            <label for="email">Email</label>
            <input id="email" type="email" name="email" value="{{ old('email') }}" required autofocus>

            <label for="password">Password</label>
            <input id="password" type="password" name="password" required>

            <label><input type="checkbox" name="remember" value="1" style="width:auto"> Remember me</label>

            <button type="submit">Sign in</button>
        </form>
    </div>
@endsection
