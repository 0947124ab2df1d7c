# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Railway connection, auth and request-budget options shared by the railway wing's modules.
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - URL of Railway's public GraphQL API.
      - The C(railway up) upload endpoint is derived from it (the same host, without C(/graphql/v2)).
    type: str
    default: https://backboard.railway.com/graphql/v2
  token:
    description:
      - Railway token. A project token (scoped to one environment of one project) or an account/workspace token.
      - If not set, the E(RAILWAY_TOKEN) environment variable is used, then E(RAILWAY_API_TOKEN).
    type: str
  token_type:
    description:
      - How to send O(token).
      - V(project) sends it in the C(Project-Access-Token) header.
      - "V(account) sends it as C(Authorization: Bearer) (account, workspace and OAuth tokens)."
      - V(auto) asks Railway's C(projectToken) query whether it is a project token, and falls back to V(account).
    type: str
    choices: [auto, project, account]
    default: auto
  project:
    description:
      - The project, by id or by name (names are matched client-side, exact first, then case-insensitively).
      - Required with an account token. With a project token it defaults to the token's project, and a different
        value fails.
    type: str
  environment:
    description:
      - The environment, by id or by name.
      - With a project token it defaults to the token's environment. Otherwise required unless the project has
        exactly one environment.
    type: str
  service:
    description:
      - The service, by id or by name. Required unless the project has exactly one service.
      - An ambiguous name fails and lists the candidates.
    type: str
  wait_timeout:
    description:
      - Seconds to wait for a deployment to reach a final status (including any stability window).
    type: int
    default: 600
  request_budget:
    description:
      - Most Railway API requests (HTTP attempts, retries included) this task may send. Stops runaway polling;
        Railway's Hobby plan allows 1000 requests an hour.
    type: int
    default: 100
  retries:
    description:
      - Retries of one request after HTTP 429 (honouring C(Retry-After)), 5xx, Cloudflare HTML 403/429 pages,
        timeouts and dropped connections, with capped exponential backoff.
      - A mutation whose connection broke after it was sent is not repeated; the module looks up whether it
        took effect instead.
    type: int
    default: 4
  http_timeout:
    description:
      - Seconds one HTTP exchange with Railway may take in total (connect, headers and the whole body), from 1 to 3600.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify Railway's TLS certificate.
    type: bool
    default: true
requirements:
  - requests
"""
