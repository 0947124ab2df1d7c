@extends('layout')

@section('title', 'Two-factor challenge - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Two-factor challenge</h1>
        @if ($errors->any())
            <p class="error" role="alert">{{ $errors->first() }}</p>
        @endif
        <form method="POST" action="{{ route('admin.two-factor.verify') }}">
            @csrf
            <label for="code">Authentication code</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" autofocus>
            <label for="recovery_code">or a recovery code</label>
            <input id="recovery_code" name="recovery_code" autocomplete="off">
            <button type="submit">Verify</button>
        </form>
    </div>
@endsection
