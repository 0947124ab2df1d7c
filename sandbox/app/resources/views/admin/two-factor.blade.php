@extends('layout')

@section('title', 'Two-factor authentication - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Two-factor authentication</h1>
        @if (! $available)
            <p id="two-factor-unavailable">Two-factor authentication needs the v1.0.0 migration.</p>
        @elseif ($enabled)
            <p id="two-factor-state">Two-factor authentication is on.</p>
            <form method="POST" action="{{ route('admin.two-factor.disable') }}">
                @csrf
                <button type="submit" id="disable-two-factor">Disable two-factor authentication</button>
            </form>
        @elseif ($pending)
            <p>Scan this QR code with your authenticator app, or type the key below.</p>
            <div id="two-factor-qr" aria-label="QR code">{!! $qr !!}</div>
            <p>Key: <code id="two-factor-secret">{{ $secret }}</code></p>
            <h2>Recovery codes</h2>
            <ul id="recovery-codes">
                @foreach ($recoveryCodes as $code)
                    <li><code>{{ $code }}</code></li>
                @endforeach
            </ul>
            @if ($errors->any())
                <p class="error" role="alert">{{ $errors->first() }}</p>
            @endif
            <form method="POST" action="{{ route('admin.two-factor.confirm') }}">
                @csrf
                <label for="code">Code from the app</label>
                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
                <button type="submit" id="confirm-two-factor">Confirm</button>
            </form>
            <form method="POST" action="{{ route('admin.two-factor.disable') }}">
                @csrf
                <button type="submit" id="cancel-two-factor">Cancel the set-up</button>
            </form>
        @else
            <p id="two-factor-state">Two-factor authentication is off.</p>
            <form method="POST" action="{{ route('admin.two-factor.enable') }}">
                @csrf
                <button type="submit" id="enable-two-factor">Enable two-factor authentication</button>
            </form>
        @endif
        <p><a href="{{ route('admin.dashboard') }}">Back to the dashboard</a></p>
    </div>
@endsection
