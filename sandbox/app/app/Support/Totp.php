<?php

namespace App\Support;

/**
 * RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30 s), as authenticator apps compute them.
 */
class Totp
{
    private const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

    public static function generateSecret(int $bytes = 20): string
    {
        return self::base32Encode(random_bytes($bytes));
    }

    public static function base32Encode(string $data): string
    {
        $bits = '';
        foreach (str_split($data) as $char) {
            $bits .= str_pad(decbin(ord($char)), 8, '0', STR_PAD_LEFT);
        }
        $out = '';
        foreach (str_split($bits, 5) as $chunk) {
            $out .= self::ALPHABET[bindec(str_pad($chunk, 5, '0', STR_PAD_RIGHT))];
        }

        return $out;
    }

    public static function base32Decode(string $secret): string
    {
        $secret = strtoupper(preg_replace('/[\s=-]/', '', $secret));
        $bits = '';
        foreach (str_split($secret) as $char) {
            $pos = strpos(self::ALPHABET, $char);
            if ($pos === false) {
                throw new \InvalidArgumentException('invalid base32 character');
            }
            $bits .= str_pad(decbin($pos), 5, '0', STR_PAD_LEFT);
        }
        $out = '';
        foreach (str_split($bits, 8) as $byte) {
            if (strlen($byte) === 8) {
                $out .= chr(bindec($byte));
            }
        }

        return $out;
    }

    public static function code(string $secret, int $time, int $period = 30, int $digits = 6): string
    {
        $counter = intdiv($time, $period);
        $hash = hash_hmac('sha1', pack('J', $counter), self::base32Decode($secret), true);
        $offset = ord($hash[19]) & 0x0F;
        $value = ((ord($hash[$offset]) & 0x7F) << 24) | (ord($hash[$offset + 1]) << 16)
            | (ord($hash[$offset + 2]) << 8) | ord($hash[$offset + 3]);

        return str_pad((string) ($value % (10 ** $digits)), $digits, '0', STR_PAD_LEFT);
    }

    /** Accepts the current code and those of the neighbouring windows (clock drift). */
    public static function verify(string $secret, string $code, ?int $time = null, int $window = 1): bool
    {
        $time = $time ?? time();
        $code = preg_replace('/\s+/', '', $code);
        for ($i = -$window; $i <= $window; $i++) {
            if (hash_equals(self::code($secret, $time + $i * 30), $code)) {
                return true;
            }
        }

        return false;
    }

    public static function otpauthUri(string $issuer, string $account, string $key): string
    {
        $query = http_build_query(['secret' => $key, 'issuer' => $issuer, 'algorithm' => 'SHA1', 'digits' => 6, 'period' => 30]);

        return 'otpauth://totp/'.rawurlencode($issuer.':'.$account).'?'.$query;
    }

    /** The otpauth URI as an SVG QR code, drawn by TCPDF's 2D barcode class (Debian package php-tcpdf). */
    public static function qrCodeSvg(string $uri): string
    {
        require_once '/usr/share/php/tcpdf/tcpdf_barcodes_2d.php';
        $barcode = new \TCPDF2DBarcode($uri, 'QRCODE,M');

        return $barcode->getBarcodeSVGcode(4, 4, 'black');
    }
}
