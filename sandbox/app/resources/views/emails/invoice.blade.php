Hello {{ optional($invoice->customer)->name ?? 'customer' }},

please find invoice {{ $invoice->number }} for {{ $invoice->amount }} {{ $invoice->currency }},
issued on {{ optional($invoice->issued_at)->toDateString() }}.

Thank you for your business,
{{ config('app.name') }}
