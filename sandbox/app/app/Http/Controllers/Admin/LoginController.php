<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Auth;
use Illuminate\Support\Facades\Log;

class LoginController extends Controller
{
    public function show()
    {
        return view('admin.login');
    }

    public function login(Request $request): RedirectResponse
    {
        $credentials = $this->validate($request, [
            'email' => ['required', 'email'],
            'password' => ['required', 'string'],
        ]);

        if (! Auth::attempt($credentials, $request->boolean('remember'))) {
            Log::notice('Admin login failed', ['email' => $credentials['email'], 'ip' => $request->ip()]);

            return redirect()->route('admin.login')
                ->withInput($request->only('email'))
                ->withErrors(['email' => __('auth.failed')]);
        }

        $user = $request->user();
        if (TwoFactorController::available() && $user->two_factor_confirmed_at) {
            // password was right; the code decides
            Auth::guard('web')->logout();
            $request->session()->regenerate();
            $request->session()->put('login.id', $user->id);
            $request->session()->put('login.remember', $request->boolean('remember'));

            return redirect()->route('admin.two-factor.challenge');
        }

        $request->session()->regenerate();

        $user->forceFill(['last_login_at' => now()])->save();

        Log::info('Admin login', ['user_id' => $user->id]);

        return redirect()->intended(route('admin.dashboard'));
    }

    public function logout(Request $request): RedirectResponse
    {
        Auth::guard('web')->logout();

        $request->session()->invalidate();
        $request->session()->regenerateToken();

        return redirect()->route('admin.login');
    }
}
