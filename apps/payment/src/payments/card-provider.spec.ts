import { DECLINED_TEST_CARD } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { decide } from './card-provider.js';

describe('CardProvider decide()', () => {
  it('approves an ordinary valid card', () => {
    expect(decide('4242424242424242')).toEqual({ approved: true });
  });

  it('always declines the documented test card', () => {
    expect(decide(DECLINED_TEST_CARD)).toEqual({ approved: false, reason: 'card_declined' });
  });
});
