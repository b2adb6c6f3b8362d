export { DECLINED_TEST_CARD, IsCardNumber, cardLast4, isValidCardNumber, passesLuhn } from './card-number.js';
export {
  CreateOrderDto,
  ListOrdersQueryDto,
  MAX_ITEMS_PER_ORDER,
  MAX_QUANTITY,
  MAX_UNIT_PRICE,
  ORDER_STATUSES,
  OrderItemDto,
  PaymentDetailsDto,
} from './orders.js';
export type { OrderItemView, OrderStatus, OrderView, Page } from './orders.js';
export { CURRENCIES, ChargeRequestDto } from './payments.js';
export type { Currency, PaymentStatus, PaymentView } from './payments.js';
export { NOTIFICATIONS_DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE, OrderEvents } from './events.js';
export type { OrderEventPayload, OrderEventType } from './events.js';
export { DEFAULT_PAGE_SIZE, IsPageLimit, MAX_PAGE_SIZE } from './pagination.js';
export { ListNotificationsQueryDto } from './notifications.js';
export type { NotificationView } from './notifications.js';
