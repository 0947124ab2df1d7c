@extends('layout')

@section('title', 'Receipts - '.config('app.name'))

@section('content')
    <div class="card">
        <h1>Upload a receipt</h1>
        @if ($errors->any())
            <p class="error" role="alert">{{ $errors->first() }}</p>
        @endif
        <form method="POST" action="{{ route('admin.receipts.store') }}" enctype="multipart/form-data">
            @csrf
            <label for="receipt">Receipt (image or PDF, up to 5 MB)</label>
            <input id="receipt" name="receipt" type="file" required>
            <button type="submit">Upload receipt</button>
        </form>
    </div>
    <div class="card">
        <h2>Latest receipts</h2>
        <ul id="receipts">
            @foreach ($receipts as $receipt)
                <li>{{ $receipt }}
                    <form method="POST" action="{{ route('admin.receipts.destroy') }}" style="display:inline">@csrf
                        <input type="hidden" name="name" value="{{ $receipt }}">
                        <button type="submit" class="delete-receipt">Delete</button></form></li>
            @endforeach
        </ul>
    </div>
@endsection
