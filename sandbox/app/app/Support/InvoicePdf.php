<?php

namespace App\Support;

use App\Models\Invoice;

/**
 * Renders an invoice as a PDF with TCPDF (Debian package php-tcpdf).
 */
class InvoicePdf
{
    public static function render(Invoice $invoice): string
    {
        if (! defined('K_TCPDF_EXTERNAL_CONFIG')) {
            // tcpdf_autoconfig.php fills in every other setting; TCPDF's own config file would make it
            // die() on an error, answering 200 with half a page instead of an exception
            define('K_TCPDF_EXTERNAL_CONFIG', true);
            define('K_TCPDF_THROW_EXCEPTION_ERROR', true);
        }
        require_once '/usr/share/php/tcpdf/tcpdf.php';

        $invoice->loadMissing('customer');
        $pdf = new \TCPDF('P', 'mm', 'A4', true, 'UTF-8', false);
        $pdf->SetCreator(config('app.name'));
        $pdf->SetAuthor(config('app.name'));
        $pdf->SetTitle('Invoice '.$invoice->number);
        $pdf->setPrintHeader(false);
        $pdf->setPrintFooter(false);
        $pdf->AddPage();
        $pdf->SetFont(self::font(), 'B', 18);
        $pdf->Cell(0, 12, config('app.name').' - Invoice '.$invoice->number, 0, 1);
        $pdf->SetFont(self::font(), '', 11);
        $rows = [
            'Customer' => optional($invoice->customer)->name,
            'E-mail' => optional($invoice->customer)->email,
            'Tax ID' => optional($invoice->customer)->tax_id,
            'Issued' => optional($invoice->issued_at)->toDateString(),
            'Status' => $invoice->status,
            'Amount' => number_format((float) $invoice->amount, 2).' '.$invoice->currency,
        ];
        foreach ($rows as $label => $value) {
            $pdf->Cell(40, 8, $label, 1);
            $pdf->Cell(0, 8, (string) $value, 1, 1);
        }

        return $pdf->Output('invoice-'.$invoice->number.'.pdf', 'S');
    }

    public static function font(): string
    {
        return 'helvetica';
    }
}
