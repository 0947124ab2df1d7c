<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Str;

class ReceiptController extends Controller
{
    public function index()
    {
        $dir = storage_path('app/receipts');
        $files = is_dir($dir) ? array_values(array_diff(scandir($dir, SCANDIR_SORT_DESCENDING), ['.', '..'])) : [];

        return view('admin.receipts', ['receipts' => array_slice($files, 0, 20)]);
    }

    public function store(Request $request): RedirectResponse
    {
        $this->validate($request, ['receipt' => ['required', 'file', 'max:5120']]);
        $file = $request->file('receipt');
        $name = now()->format('Ymd-His').'-'.Str::random(6).'-'.preg_replace('/[^A-Za-z0-9._-]/', '_', $file->getClientOriginalName());
        $file->move(storage_path('app/receipts'), $name);

        return redirect()->route('admin.receipts.index')
            ->with('status', 'Receipt '.$file->getClientOriginalName().' uploaded ('.filesize(storage_path('app/receipts/'.$name)).' bytes).');
    }

    public function destroy(Request $request): RedirectResponse
    {
        $data = $this->validate($request, ['name' => ['required', 'string', 'max:255']]);
        $name = basename($data['name']);
        $path = storage_path('app/receipts/'.$name);
        abort_unless($name !== '' && $name[0] !== '.' && is_file($path), 404);
        unlink($path);

        return redirect()->route('admin.receipts.index')->with('status', "Receipt {$name} deleted.");
    }
}
