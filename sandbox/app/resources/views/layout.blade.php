<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="csrf-token" content="{{ csrf_token() }}">
    <title>@yield('title', config('app.name'))</title>
    <style>
        body { font-family: system-ui, sans-serif; margin: 0; background: #f5f7fb; color: #1f2937; }
        header { background: #0f3d6e; color: #fff; padding: .75rem 1.5rem; display: flex; align-items: center; gap: .75rem; }
        header img { height: 32px; }
        main { max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
        .card { background: #fff; border-radius: .5rem; padding: 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.1); margin-bottom: 1rem; }
        .error { color: #b91c1c; }
        .status { color: #065f46; }
        nav a { margin-right: 1rem; }
        label { display: block; margin-top: .75rem; }
        input { padding: .4rem; width: 100%; box-sizing: border-box; }
        button { margin-top: 1rem; padding: .5rem 1rem; }
        table { width: 100%; border-collapse: collapse; }
        td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #e5e7eb; }
        footer { text-align: center; font-size: .8rem; color: #6b7280; }
    </style>
</head>
<body>
<header>
    <img alt="Facturino logo" src="/img/logo.svg">
    <strong>{{ config('app.name') }}</strong>
    @auth
        <form method="POST" action="{{ route('admin.logout') }}" style="margin-left:auto">
            @csrf
            <button type="submit" style="margin:0">Sign out</button>
        </form>
    @endauth
</header>
<main>
    @if (session('status'))
        <p class="card status" role="status">{{ session('status') }}</p>
    @endif
    @yield('content')
</main>
<footer>
    {{ config('app.name') }} v{{ config('app.version') }} &middot;
    AGPL-3.0-or-later &middot; <a href="{{ config('app.source_url') }}">source</a>
</footer>
</body>
</html>
