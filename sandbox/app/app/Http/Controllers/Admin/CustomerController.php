<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use App\Models\Customer;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;

class CustomerController extends Controller
{
    public function index()
    {
        return view('admin.customers.index', ['customers' => Customer::orderByDesc('id')->limit(50)->get()]);
    }

    public function store(Request $request): RedirectResponse
    {
        $data = $this->validate($request, [
            'name' => ['required', 'string', 'max:255'],
            'email' => ['nullable', 'email', 'max:255'],
            'tax_id' => ['nullable', 'string', 'max:64'],
            'city' => ['nullable', 'string', 'max:128'],
        ]);
        $customer = Customer::create($data);

        return redirect()->route('admin.customers.index')->with('status', "Customer {$customer->name} created.");
    }

    public function destroy(Customer $customer): RedirectResponse
    {
        $customer->delete(); // its invoices go with it (foreign key ON DELETE CASCADE)

        return redirect()->route('admin.customers.index')->with('status', "Customer {$customer->name} deleted.");
    }
}
