<?php

namespace App\Support;

/**
 * Formats invoice numbers per fiscal year: INV-2025-000123.
 */
class InvoiceNumberFormatter
{
    public function format(int $sequence, int $year): string
    {
        // Work in progress: the closing parenthesis below is missing.
        return sprintf('INV-%d-%06d', $year, $sequence;
    }
}
