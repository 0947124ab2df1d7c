<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Support\Facades\Log;
use RuntimeException;

/**
 * A queue probe: real work for "queue:work --once" (there is no tinker on
 * Debian). With $fail = true it throws and lands in failed_jobs at once.
 */
class SandboxJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 1;

    public string $label;

    public bool $fail;

    public function __construct(string $label, bool $fail = false)
    {
        $this->label = $label;
        $this->fail = $fail;
    }

    public function handle(): void
    {
        if ($this->fail) {
            throw new RuntimeException("Sandbox job {$this->label} failed on purpose.");
        }

        file_put_contents(
            storage_path('app/sandbox-jobs.log'),
            now()->toIso8601String().' '.$this->label.PHP_EOL,
            FILE_APPEND | LOCK_EX
        );

        Log::info('Sandbox job processed', ['label' => $this->label]);
    }
}
