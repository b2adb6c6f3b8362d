export const ORDER_HTTP = Symbol('ORDER_HTTP');
export const NOTIFICATION_HTTP = Symbol('NOTIFICATION_HTTP');
