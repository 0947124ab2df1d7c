<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use App\Models\Customer;
use App\Models\Invoice;
use Illuminate\Http\Request;

class DashboardController extends Controller
{
    public function __invoke(Request $request)
    {
        return view('admin.dashboard', [
            'user' => $request->user(),
            'invoiceCount' => Invoice::count(),
            'customerCount' => Customer::count(),
            'sentCount' => Invoice::where('status', Invoice::STATUS_SENT)->count(),
            'outstanding' => Invoice::where('status', '!=', Invoice::STATUS_PAID)->sum('amount'),
            'latest' => Invoice::with('customer')->orderByDesc('id')->limit(5)->get(),
        ]);
    }
}
