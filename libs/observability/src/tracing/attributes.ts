/**
 * The kit's own span attribute keys (and one value), one constant each, so a
 * trace search (`order.id=<id>`) and the code that sets the key cannot drift apart.
 *
 * Keys OpenTelemetry defines are not here: they come from
 * `@opentelemetry/semantic-conventions` (stable) and its `/incubating` entry
 * point (messaging is still Development in the spec); package.json pins that
 * package exactly, so an incubating key cannot change under us. The keys below
 * have no semantic-conventions equivalent; each is namespaced by the domain it
 * describes, as the conventions ask of custom attributes.
 */

/** The order a span works on (an id from the order service). */
export const ATTR_ORDER_ID = 'order.id';
/** The order's status (`OrderStatus` in @app/contracts) after the span's work. */
export const ATTR_ORDER_STATUS = 'order.status';
export const ATTR_ORDER_TOTAL_CENTS = 'order.total_cents';
/** How many line items the order has. */
export const ATTR_ORDER_ITEMS = 'order.items';
/**
 * The order event a message carries (`order.paid`, `order.payment_failed`): the
 * messaging conventions name a span after its operation and queue, so the event
 * type travels as this attribute.
 */
export const ATTR_ORDER_EVENT_TYPE = 'order.event_type';

export const ATTR_PAYMENT_AMOUNT_CENTS = 'payment.amount_cents';
/** Which card provider answered (`simulated` in the kit). */
export const ATTR_PAYMENT_PROVIDER = 'payment.provider';
/** `approved` or `declined`. */
export const ATTR_PAYMENT_OUTCOME = 'payment.outcome';
export const ATTR_PAYMENT_DECLINE_REASON = 'payment.decline_reason';
export const ATTR_PAYMENT_FRAUD_SCORE = 'payment.fraud_score';

/** Which delivery channel sent the notification (`simulated` in the kit). */
export const ATTR_NOTIFICATION_PROVIDER = 'notification.provider';

/** Which publish attempt of an outbox row this is (1 on the first). */
export const ATTR_OUTBOX_ATTEMPT = 'outbox.attempt';
/** How long the row waited in the outbox before this attempt. */
export const ATTR_OUTBOX_AGE_MS = 'outbox.age_ms';

/**
 * `messaging.system.name` of Nest's broker-less TCP transport (the dev default), a value
 * the conventions do not list; on RabbitMQ it is `MESSAGING_SYSTEM_NAME_VALUE_RABBITMQ`.
 */
export const MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP = 'nest-tcp';
