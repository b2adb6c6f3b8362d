import { ConflictException, GatewayTimeoutException, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { paymentCallFailed } from './payment-call-failed.js';

describe('paymentCallFailed()', () => {
  it('keeps the payment call’s 5xx and says the order stays pending', () => {
    const answer = paymentCallFailed('o-1', new ServiceUnavailableException('payment service is unavailable'));
    expect(answer.getStatus()).toBe(503);
    expect(answer.getResponse()).toEqual({
      message:
        'payment service is unavailable; order o-1 is pending and will be settled when the payment service answers',
      orderId: 'o-1',
      orderStatus: 'pending',
    });
    expect(paymentCallFailed('o-1', new GatewayTimeoutException()).getStatus()).toBe(504);
  });

  it('answers 502 when the call failed without a 5xx (a 4xx or no answer at all)', () => {
    expect(paymentCallFailed('o-1', new ConflictException('still processing')).getStatus()).toBe(502);
    expect(paymentCallFailed('o-1', new Error('socket hang up')).getStatus()).toBe(502);
  });
});
