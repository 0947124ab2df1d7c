<?php

namespace App\Console\Commands;

use App\Jobs\SandboxJob;
use Illuminate\Console\Command;

class SandboxDispatch extends Command
{
    protected $signature = 'sandbox:dispatch
                            {--count=1 : How many jobs to dispatch}
                            {--fail : Dispatch jobs that throw (they go to failed_jobs)}';

    protected $description = 'Dispatch sandbox probe jobs so "queue:work --once" has real work';

    public function handle(): int
    {
        $count = max(1, (int) $this->option('count'));
        $fail = (bool) $this->option('fail');

        for ($i = 1; $i <= $count; $i++) {
            SandboxJob::dispatch(sprintf('probe-%s-%d', now()->format('His'), $i), $fail);
        }

        $this->info(sprintf(
            'Dispatched %d SandboxJob(s)%s to connection [%s].',
            $count,
            $fail ? ' (failing)' : '',
            config('queue.default')
        ));

        return 0;
    }
}
