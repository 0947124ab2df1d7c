<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up()
    {
        Schema::table('invoices', function (Blueprint $table) {
            $table->decimal('items_total', 12, 2)->nullable();
        });

        // Bug: invoices has no "description" column, so this statement fails
        // with SQLSTATE[42703] (undefined column) on every database. On
        // PostgreSQL the migration runs in a transaction: the column added
        // above is rolled back, the previous migration stays applied.
        DB::statement(
            'insert into invoice_items (invoice_id, description, quantity, unit_price, created_at, updated_at) '.
            'select id, description, 1, amount, now(), now() from invoices'
        );
    }

    public function down()
    {
        Schema::table('invoices', function (Blueprint $table) {
            $table->dropColumn('items_total');
        });
    }
};
