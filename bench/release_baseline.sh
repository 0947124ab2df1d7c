#!/usr/bin/env bash
# The runbook's steps for scenario 1 as a plain sequential shell script: the baseline of bench/release.py.
# Same steps as playbooks/release.yml, far fewer checks: git, curl to Railway's GraphQL API, php artisan,
# pg_dump, psql and curl. Inputs come from the environment (set by bench/release.py from sandbox.json).
set -euo pipefail
: "${APP:?}" "${API:?}" "${TOKEN:?}" "${PROJECT_ID:?}" "${ENV_ID:?}" "${SERVICE_ID:?}" "${DOMAIN:?}" "${DATABASE_URL:?}" "${BACKUPS:?}"
: "${ADMIN_EMAIL:?}" "${ADMIN_PASSWORD:?}"
: "${TAG:=v1.0.0}" "${REF:=release/v1.0.0}" "${MONITOR_SECONDS:=6}" "${MONITOR_INTERVAL:=0.5}"
gql() { curl -fsS "$API" -H "Project-Access-Token: $TOKEN" -H 'Content-Type: application/json' -d "$1"; }
cd "$APP"
# 1. Pre-deployment checks
test -z "$(git status --porcelain)"
php artisan migrate:status --no-ansi > /dev/null || true
git ls-tree --name-only "$REF" database/migrations/ | grep -q 2025_11_16_233237_add_two_factor_columns_to_users_table
# Dependency verification (`composer show --installed | grep -E "laravel|spatie|paddle"`: no composer here)
grep -qE '"laravel/framework"' composer.json
php artisan --version --no-ansi | grep -q "Laravel Framework"
# Security checklist (the runbook's three commands)
test -z "$(git log --all --full-history --source -- .env)"
grep -qE '\.env$|\.env\..*|credentials|secrets' .gitignore
grep -r "password.*=" app/ config/ | grep -v "env(" | grep -v "config(" > /dev/null || true   # read by a person
# 2. Environment preparation: `railway variables`, the production flags
gql "{\"query\":\"query(\$p:String!,\$e:String!,\$s:String){variables(projectId:\$p,environmentId:\$e,serviceId:\$s)}\",\"variables\":{\"p\":\"$PROJECT_ID\",\"e\":\"$ENV_ID\",\"s\":\"$SERVICE_ID\"}}" \
  | python3 -c 'import json,sys; v=json.load(sys.stdin)["data"]["variables"]; sys.exit(0 if v.get("APP_ENV")=="production" and v.get("APP_DEBUG")=="false" else 1)'
# 3. Git tag (`git pull origin main` + `git log -1 --oneline` before tagging)
git fetch -q origin
git log -1 --oneline "$REF" > /dev/null
git tag -a "$TAG" -m "Facturino $TAG - Production Release" "$REF"
COMMIT=$(git rev-parse "$TAG^{commit}")
git tag -l -n9 "$TAG" > /dev/null
# 4. Railway deployment, polled every 2 s
ID=$(gql "{\"query\":\"mutation(\$e:String!,\$s:String!,\$c:String){serviceInstanceDeployV2(environmentId:\$e,serviceId:\$s,commitSha:\$c)}\",\"variables\":{\"e\":\"$ENV_ID\",\"s\":\"$SERVICE_ID\",\"c\":\"$COMMIT\"}}" \
     | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["serviceInstanceDeployV2"])')
while :; do
  STATUS=$(gql "{\"query\":\"query(\$id:String!){deployment(id:\$id){status}}\",\"variables\":{\"id\":\"$ID\"}}" \
           | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["deployment"]["status"])')
  case "$STATUS" in SUCCESS) break ;; FAILED|CRASHED|REMOVED) echo "deploy $STATUS" >&2; exit 1 ;; esac
  sleep 2
done
logs() { gql "{\"query\":\"query(\$id:String!){deploymentLogs(deploymentId:\$id,limit:500){message}}\",\"variables\":{\"id\":\"$ID\"}}"; }
logs | grep -cE "Build|Deploy|Error" > /dev/null || true
gql "{\"query\":\"query(\$p:String!,\$e:String!,\$s:String!){domains(projectId:\$p,environmentId:\$e,serviceId:\$s){serviceDomains{domain}}}\",\"variables\":{\"p\":\"$PROJECT_ID\",\"e\":\"$ENV_ID\",\"s\":\"$SERVICE_ID\"}}" > /dev/null   # railway domain
# 5. Database migration (railway run -- php artisan ... = the checkout with the production environment)
git -c advice.detachedHead=false checkout -q "$TAG"
pg_dump -Fc -d "$DATABASE_URL" -f "$BACKUPS/backup_pre_$TAG.dump"
sha256sum "$BACKUPS/backup_pre_$TAG.dump" > "$BACKUPS/backup_pre_$TAG.dump.sha256"
php artisan migrate --force --no-ansi > /dev/null
php artisan migrate:status --no-ansi > /dev/null
psql "$DATABASE_URL" -Atc "SELECT column_name FROM information_schema.columns WHERE table_name='users' AND column_name LIKE 'two_factor%'" | grep -q two_factor_secret
# 6. Post-deployment verification
curl -fsS -o /dev/null "$DOMAIN/"
curl -fsS "$DOMAIN/api/health" | grep -q '"ok"'
curl -fsS "$DOMAIN/api/v1/auth/ping" | grep -q pong
curl -fsS "$DOMAIN/admin/login" | grep -q 'Facturino logo'
# Authentication flow: the login form's CSRF token, log in, the dashboard loads
JAR=$(mktemp)
CSRF=$(curl -fsS -c "$JAR" -b "$JAR" "$DOMAIN/admin/login" | sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_token=$CSRF" --data-urlencode "email=$ADMIN_EMAIL" \
     --data-urlencode "password=$ADMIN_PASSWORD" "$DOMAIN/admin/login"
curl -fsS -b "$JAR" "$DOMAIN/admin/dashboard" | grep -qi dashboard
rm -f "$JAR"
php artisan sandbox:dispatch --no-ansi > /dev/null
php artisan queue:work --once --sleep=0 --no-ansi > /dev/null
psql "$DATABASE_URL" -Atc "SELECT count(*) FROM users" > /dev/null
ls -l "$BACKUPS" > /dev/null   # backup:list
# 7. Cache clearing and optimisation
for c in config:clear cache:clear route:clear view:clear config:cache route:cache view:cache optimize queue:restart; do
  php artisan "$c" --no-ansi > /dev/null
done
php artisan config:clear --no-ansi > /dev/null
# 8. Monitoring (the same window as the playbook)
END=$(python3 -c "import time; print(time.time() + $MONITOR_SECONDS)")
while python3 -c "import sys,time; sys.exit(0 if time.time() < $END else 1)"; do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$DOMAIN/api/health" > /dev/null
  curl -s -o /dev/null "$DOMAIN/"
  sleep "$MONITOR_INTERVAL"
done
logs | grep -cE "ERROR|CRITICAL|Exception" > /dev/null || true
# queue backlog and failed jobs after the watch (the runbook's SQL)
psql "$DATABASE_URL" -Atc "SELECT count(*) FROM jobs" > /dev/null
psql "$DATABASE_URL" -Atc "SELECT count(*) FROM failed_jobs" > /dev/null
git checkout -q -
echo "baseline: released $TAG ($COMMIT) as deployment $ID"
