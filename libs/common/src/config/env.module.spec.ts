import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { BaseEnv, DataEnv, MessagingEnv } from './base-env.js';
import { EnvModule } from './env.module.js';
import { validateEnv } from './validate-env.js';

class ShopEnv extends DataEnv {
  override PORT = 3999;
}

const DB = 'postgres://workshop@127.0.0.1/shop';

describe('EnvModule', () => {
  it("serves the one validated config under the app's class and each class it extends", async () => {
    const env = validateEnv(ShopEnv, { DATABASE_URL: DB, DB_POOL_SIZE: '3' });
    const ref = await Test.createTestingModule({ imports: [EnvModule.forRoot(env)] }).compile();
    expect(ref.get(ShopEnv)).toBe(env);
    expect(ref.get(DataEnv)).toBe(env);
    expect(ref.get(BaseEnv)).toBe(env);
    expect(ref.get(DataEnv).DB_POOL_SIZE).toBe(3);
    expect(ref.get(BaseEnv).PORT).toBe(3999);
  });

  it('stops the boot, naming the class, when a provider asks for config the app does not have', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(MessagingEnv) readonly env: MessagingEnv) {}
    }
    @Module({ providers: [Consumer] })
    class ConsumerModule {}
    const env = validateEnv(ShopEnv, { DATABASE_URL: DB });
    await expect(
      Test.createTestingModule({ imports: [EnvModule.forRoot(env), ConsumerModule] }).compile(),
    ).rejects.toThrow(/MessagingEnv/);
  });
});
