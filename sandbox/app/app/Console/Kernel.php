<?php

namespace App\Console;

use Illuminate\Console\Scheduling\Schedule;
use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

class Kernel extends ConsoleKernel
{
    /**
     * Listed explicitly: there is no Composer class map to discover them.
     *
     * @var array<int, class-string>
     */
    protected $commands = [
        Commands\SandboxDispatch::class,
    ];

    protected function schedule(Schedule $schedule)
    {
        $schedule->command('queue:prune-failed --hours=168')->daily();
    }

    protected function commands()
    {
        require base_path('routes/console.php');
    }
}
