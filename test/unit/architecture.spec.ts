import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint rules that keep the architecture', () => {
  it('forbid an app from importing another app', async () => {
    const messages = await lint(
      'apps/gateway/src/orders/leak.ts',
      "import { OrdersService } from '../../../order/src/orders/orders.service.js';\nexport const x = OrdersService;\n",
    );
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*Apps never import other apps/);
  });

  it('forbid a library from importing an app', async () => {
    const messages = await lint(
      'libs/common/src/leak.ts',
      "import { x } from '../../../apps/order/src/main.js';\nexport const y = x;\n",
    );
    expect(messages.join('\n')).toMatch(/Libraries never import applications/);
  });

  it('allow an app to import the shared libraries', async () => {
    const messages = await lint(
      'apps/gateway/src/ok.ts',
      "import { CreateOrderDto } from '@app/contracts';\nimport { runService } from '@app/common';\nexport const z = [CreateOrderDto, runService];\n",
    );
    expect(messages).toEqual([]);
  });
});
