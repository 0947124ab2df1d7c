<?php

// Laravel Sanctum is not packaged in Debian; the sandbox only keeps its
// configuration surface so SANCTUM_STATEFUL_DOMAINS is read and validated
// like in the real application.
return [

    'stateful' => array_values(array_filter(array_map('trim', explode(',', (string) env(
        'SANCTUM_STATEFUL_DOMAINS',
        'localhost,localhost:3000,127.0.0.1,127.0.0.1:8000,::1'
    ))))),

    'expiration' => null,

];
