<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class Invoice extends Model
{
    public const STATUS_DRAFT = 'draft';
    public const STATUS_QUEUED = 'queued';
    public const STATUS_SENT = 'sent';
    public const STATUS_PAID = 'paid';

    protected $fillable = [
        'customer_id',
        'user_id',
        'number',
        'amount',
        'currency',
        'status',
        'issued_at',
    ];

    protected $casts = [
        'amount' => 'decimal:2',
        'issued_at' => 'datetime',
    ];

    public function customer()
    {
        return $this->belongsTo(Customer::class);
    }

    public function user()
    {
        return $this->belongsTo(User::class);
    }

    /**
     * Next free number in the INV-000123 sequence.
     */
    public static function nextNumber(): string
    {
        $last = static::where('number', 'like', 'INV-%')->orderByDesc('number')->value('number');
        $next = $last ? ((int) substr($last, 4)) + 1 : 1;

        do {
            $number = sprintf('INV-%06d', $next++);
        } while (static::where('number', $number)->exists());

        return $number;
    }
}
