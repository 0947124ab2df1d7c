<?php

namespace Database\Seeders;

use App\Models\Customer;
use App\Models\Invoice;
use App\Models\User;
use Illuminate\Database\Seeder;
use Illuminate\Support\Carbon;
use Illuminate\Support\Facades\Hash;

/**
 * Idempotent: every row is upserted on a natural key, so running
 * "db:seed" again leaves the same data.
 */
class DatabaseSeeder extends Seeder
{
    public function run()
    {
        $admin = $this->seedAdmin();

        $customers = [
            ['name' => 'Vardar Trade DOOEL', 'email' => 'billing@vardar-trade.test', 'tax_id' => 'MK4030990123456', 'city' => 'Skopje'],
            ['name' => 'Ohrid Pearl Hotel', 'email' => 'accounts@ohrid-pearl.test', 'tax_id' => 'MK4030991234567', 'city' => 'Ohrid'],
            ['name' => 'Bitola Bakery', 'email' => 'office@bitola-bakery.test', 'tax_id' => 'MK4030992345678', 'city' => 'Bitola'],
        ];

        $ids = [];
        foreach ($customers as $row) {
            $ids[] = Customer::updateOrCreate(['email' => $row['email']], $row)->id;
        }

        $invoices = [
            ['INV-000001', 0, '1200.00', 'EUR', Invoice::STATUS_PAID, '2025-10-01'],
            ['INV-000002', 1, '845.50', 'EUR', Invoice::STATUS_SENT, '2025-10-15'],
            ['INV-000003', 2, '99000.00', 'MKD', Invoice::STATUS_DRAFT, '2025-11-02'],
            ['INV-000004', 0, '310.00', 'EUR', Invoice::STATUS_SENT, '2025-11-10'],
        ];

        foreach ($invoices as [$number, $customer, $amount, $currency, $status, $issued]) {
            Invoice::updateOrCreate(['number' => $number], [
                'customer_id' => $ids[$customer],
                'user_id' => $admin->id,
                'amount' => $amount,
                'currency' => $currency,
                'status' => $status,
                'issued_at' => Carbon::parse($issued),
            ]);
        }

        $this->command->info(sprintf(
            'Seeded admin %s, %d customers, %d invoices.',
            $admin->email,
            count($customers),
            count($invoices)
        ));
    }

    private function seedAdmin(): User
    {
        $email = (string) config('app.sandbox_admin.email');
        $password = (string) config('app.sandbox_admin.password');

        $admin = User::firstOrNew(['email' => $email]);
        $admin->name = 'Facturino Admin';
        $admin->is_admin = true;
        $admin->email_verified_at = $admin->email_verified_at ?? Carbon::parse('2025-11-01');

        // Re-hash only when the password changed: keeps the row stable.
        if (! $admin->exists || ! Hash::check($password, $admin->password)) {
            $admin->password = Hash::make($password);
        }

        $admin->save();

        return $admin;
    }
}
