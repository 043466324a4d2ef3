/** Argo's notification counters, with its labels (namespace, name, type, reason). */
import { Counter, type Registry } from 'prom-client';

export interface NotificationMetrics {
  sent(labels: NotificationLabels): void;
  failed(labels: NotificationLabels): void;
}

export interface NotificationLabels {
  namespace: string;
  name: string;
  type: string;
  reason: string;
}

const LABELS = ['namespace', 'name', 'type', 'reason'] as const;

export function registerNotificationMetrics(registry: Registry): NotificationMetrics {
  const success = new Counter({
    name: 'notification_send_success',
    help: 'Notification send success.',
    labelNames: LABELS,
    registers: [registry],
  });
  const error = new Counter({
    name: 'notification_send_error',
    help: 'Error sending the notification',
    labelNames: LABELS,
    registers: [registry],
  });
  return { sent: (l) => success.inc({ ...l }), failed: (l) => error.inc({ ...l }) };
}
