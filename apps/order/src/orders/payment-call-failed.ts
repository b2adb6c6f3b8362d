import { describeError } from '@app/common';
import { HttpException } from '@nestjs/common';

/** The answer when the payment call itself failed: its 5xx (else 502), saying the order stays pending. */
export function paymentCallFailed(orderId: string, error: unknown): HttpException {
  const described = describeError(error);
  const status = error instanceof HttpException && error.getStatus() >= 500 ? error.getStatus() : 502;
  return new HttpException(
    {
      message: `${described.message}; order ${orderId} is pending and will be settled when the payment service answers`,
      orderId,
      orderStatus: 'pending',
    },
    status,
  );
}
