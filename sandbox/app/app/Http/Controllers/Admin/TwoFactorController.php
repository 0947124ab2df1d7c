<?php

namespace App\Http\Controllers\Admin;

use App\Http\Controllers\Controller;
use App\Models\User;
use App\Support\Totp;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Auth;
use Illuminate\Support\Facades\Crypt;
use Illuminate\Support\Facades\Log;
use Illuminate\Support\Facades\Schema;
use Illuminate\Support\Str;

/**
 * Two-factor authentication (v1.0.0): enable with an authenticator (QR code + recovery codes),
 * confirm with a first code, log in with a code or a recovery code, disable.
 */
class TwoFactorController extends Controller
{
    public function show(Request $request)
    {
        $user = $request->user();
        $available = self::available();
        $secret = $available && $user->two_factor_secret ? Crypt::decryptString($user->two_factor_secret) : null;
        $pending = $secret && ! $user->two_factor_confirmed_at;

        return view('admin.two-factor', [
            'available' => $available,
            'enabled' => $available && (bool) $user->two_factor_confirmed_at,
            'pending' => $pending,
            'secret' => $pending ? $secret : null,
            'qr' => $pending ? Totp::qrCodeSvg(Totp::otpauthUri(config('app.name'), $user->email, $secret)) : null,
            'recoveryCodes' => $pending ? json_decode(Crypt::decryptString($user->two_factor_recovery_codes), true) : [],
        ]);
    }

    public function enable(Request $request): RedirectResponse
    {
        abort_unless(self::available(), 409, 'Two-factor authentication needs the v1.0.0 migration.');
        $codes = collect(range(1, 8))->map(fn () => Str::lower(Str::random(5).'-'.Str::random(5)))->all();
        $request->user()->forceFill([
            'two_factor_secret' => Crypt::encryptString(Totp::generateSecret()),
            'two_factor_recovery_codes' => Crypt::encryptString(json_encode($codes)),
            'two_factor_confirmed_at' => null,
        ])->save();

        return redirect()->route('admin.two-factor');
    }

    public function confirm(Request $request): RedirectResponse
    {
        $data = $this->validate($request, ['code' => ['required', 'string']]);
        $user = $request->user();
        if (! $user->two_factor_secret || ! Totp::verify(Crypt::decryptString($user->two_factor_secret), $data['code'])) {
            return redirect()->route('admin.two-factor')->withErrors(['code' => 'The code is not valid.']);
        }
        $user->forceFill(['two_factor_confirmed_at' => now()])->save();
        Log::info('Two-factor authentication enabled', ['user_id' => $user->id]);

        return redirect()->route('admin.two-factor')->with('status', 'Two-factor authentication is enabled.');
    }

    public function disable(Request $request): RedirectResponse
    {
        $request->user()->forceFill([
            'two_factor_secret' => null,
            'two_factor_recovery_codes' => null,
            'two_factor_confirmed_at' => null,
        ])->save();

        return redirect()->route('admin.two-factor')->with('status', 'Two-factor authentication is disabled.');
    }

    public function challenge(Request $request)
    {
        if (! $request->session()->has('login.id')) {
            return redirect()->route('admin.login');
        }

        return view('admin.two-factor-challenge');
    }

    public function verify(Request $request): RedirectResponse
    {
        $data = $this->validate($request, ['code' => ['nullable', 'string'], 'recovery_code' => ['nullable', 'string']]);
        $user = User::find($request->session()->get('login.id'));
        if (! $user || ! $user->two_factor_confirmed_at) {
            return redirect()->route('admin.login');
        }
        $ok = false;
        if (! empty($data['code'])) {
            $ok = Totp::verify(Crypt::decryptString($user->two_factor_secret), $data['code']);
        } elseif (! empty($data['recovery_code'])) {
            $codes = json_decode(Crypt::decryptString($user->two_factor_recovery_codes), true);
            if (in_array($data['recovery_code'], $codes, true)) {
                $ok = true;
                $user->forceFill(['two_factor_recovery_codes' => Crypt::encryptString(json_encode(
                    array_values(array_diff($codes, [$data['recovery_code']]))
                ))])->save();
            }
        }
        if (! $ok) {
            return redirect()->route('admin.two-factor.challenge')->withErrors(['code' => 'The two-factor code is not valid.']);
        }
        $remember = (bool) $request->session()->pull('login.remember', false);
        $request->session()->forget('login.id');
        Auth::login($user, $remember);
        $request->session()->regenerate();
        $user->forceFill(['last_login_at' => now()])->save();

        return redirect()->intended(route('admin.dashboard'));
    }

    public static function available(): bool
    {
        static $available = null;

        return $available ??= Schema::hasColumn('users', 'two_factor_confirmed_at');
    }
}
