/** Prometheus metrics served at `/metrics`. One registry for the whole process. */
import client from 'prom-client';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const metrics = {
  registry,
  httpDuration: new client.Histogram({
    name: 'hotline_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  updatesProcessed: new client.Counter({
    name: 'hotline_telegram_updates_total',
    help: 'Telegram updates applied (duplicates excluded)',
    registers: [registry],
  }),
  outboxSent: new client.Counter({
    name: 'hotline_telegram_outbox_sent_total',
    help: 'Bot API calls sent from the outbox',
    labelNames: ['method'] as const,
    registers: [registry],
  }),
  outboxBacklog: new client.Gauge({
    name: 'hotline_telegram_outbox_backlog',
    help: 'Bot API calls waiting in the outbox',
    registers: [registry],
  }),
  managersChatsPaused: new client.Gauge({
    name: 'hotline_managers_chats_paused',
    help: "Managers' groups where the bot cannot post (removed, demoted): their messages wait, none is dropped",
    registers: [registry],
  }),
  managersChatsUnhealthy: new client.Gauge({
    name: 'hotline_managers_chats_unhealthy',
    help:
      "Managers' groups where the bot can post but not do its whole job: problem=cannot_read_messages (a plain member in privacy mode: " +
      "managers' answers do not reach clients), problem=cannot_manage_topics (no Manage Topics: new clients' messages wait)",
    labelNames: ['problem'] as const,
    registers: [registry],
  }),
};
