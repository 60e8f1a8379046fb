import { fixedClock, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createCrm,
  createTestHost,
  definePlugin,
  PluginConfigError,
  PluginRegistrationError,
  SDK_VERSION,
} from '../src/index';
import { SDK_RANGE } from './fixtures';

const clock = fixedClock('2026-01-01T00:00:00Z');

const greeter = definePlugin({
  name: 'greeter',
  version: '1.2.0',
  sdk: SDK_RANGE,
  configSchema: z.object({ greeting: z.string().min(1), times: z.number().int().positive().default(1) }),
  setup: (ctx) => ({ greet: (who: string) => `${ctx.config.greeting} ${who}`.repeat(ctx.config.times) }),
});

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('definePlugin', () => {
  it('checks the definition and names the bad field', () => {
    const bad = () =>
      definePlugin({
        name: 'Bad Name',
        version: '1.0',
        sdk: 'latest',
        configSchema: z.undefined(),
        setup() {},
      });
    expect(bad).toThrow(ValidationError);
    try {
      bad();
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path.join('.'))).toEqual([
        'name',
        'version',
        'sdk',
      ]);
    }
  });

  it('validates the config at registration with the plugin and field named, and gives the API typed', async () => {
    const error = await thrown(createCrm({ clock, plugins: [greeter({ greeting: '', times: 0 })] }));
    expect(error).toBeInstanceOf(PluginConfigError);
    const e = error as PluginConfigError;
    expect(e.code).toBe('PLUGIN_CONFIG');
    expect(e.plugin).toBe('greeter');
    expect(e.issues.map((i) => i.path)).toEqual([['greeting'], ['times']]);
    expect(e.message).toMatch(/^plugin "greeter" has an invalid config: config\.greeting: /);

    const crm = await createCrm({ clock, plugins: [greeter({ greeting: 'hi', times: 2 })] });
    expect(crm.api(greeter).greet('ada')).toBe('hi adahi ada');
  });

  it('refuses an SDK range that does not include this SDK, with a clear message', async () => {
    const old = definePlugin({
      name: 'old',
      version: '3.0.0',
      sdk: '^2.0.0',
      configSchema: z.undefined(),
      setup() {},
    });
    const error = (await thrown(createCrm({ clock, plugins: [old()] }))) as PluginRegistrationError;
    expect(error).toBeInstanceOf(PluginRegistrationError);
    expect(error.problem).toBe('sdk-version');
    expect(error.message).toBe(
      `plugin "old": supports SDK ^2.0.0, but this host implements SDK ${SDK_VERSION}; use a version of the plugin built for SDK ${SDK_VERSION}`,
    );
  });

  it('refuses duplicates, missing or incompatible requirements and cycles', async () => {
    const dep = (name: string, requires: Record<string, string>) =>
      definePlugin({ name, version: '1.0.0', sdk: '*', requires, configSchema: z.undefined(), setup() {} });
    const problem = async (plugins: Parameters<typeof createCrm>[0]['plugins']) =>
      ((await thrown(createCrm({ clock, plugins }))) as PluginRegistrationError).problem;
    expect(await problem([greeter({ greeting: 'a' }), greeter({ greeting: 'b' })])).toBe('duplicate');
    expect(await problem([dep('x', { greeter: '^1.0.0' })()])).toBe('missing-dependency');
    expect(await problem([greeter({ greeting: 'a' }), dep('x', { greeter: '^2.0.0' })()])).toBe(
      'dependency-version',
    );
    expect(await problem([dep('x', { y: '*' })(), dep('y', { x: '*' })()])).toBe('dependency-cycle');
  });

  it('sets plugins up in dependency order and lets a plugin use what it requires', async () => {
    const order: string[] = [];
    const base = definePlugin({
      name: 'base',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup() {
        order.push('base');
        return { double: (n: number) => n * 2 };
      },
    });
    const top = definePlugin({
      name: 'top',
      version: '1.0.0',
      sdk: SDK_RANGE,
      requires: { base: '^1.0.0' },
      configSchema: z.undefined(),
      setup(ctx) {
        order.push('top');
        return { quadruple: (n: number) => ctx.use(base).double(ctx.use(base).double(n)) };
      },
    });
    const crm = await createCrm({ clock, plugins: [top(), base()] });
    expect(order).toEqual(['base', 'top']);
    expect(crm.api(top).quadruple(3)).toBe(12);
  });

  it('refuses ctx.use of a plugin that is not required, and setup errors are typed', async () => {
    const sneaky = definePlugin({
      name: 'sneaky',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup: (ctx) => void ctx.use(greeter),
    });
    expect(
      await thrown(createCrm({ clock, plugins: [greeter({ greeting: 'a' }), sneaky()] })),
    ).toBeInstanceOf(ValidationError);
    const broken = definePlugin({
      name: 'broken',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup() {
        throw new Error('boom');
      },
    });
    const error = (await thrown(createCrm({ clock, plugins: [broken()] }))) as PluginRegistrationError;
    expect(error.problem).toBe('setup-failed');
    expect(error.message).toBe('plugin "broken": setup failed: boom');
  });

  it('validates the host options', async () => {
    const error = (await thrown(
      createCrm({ clock: {} as never, plugins: [{} as never] }),
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['clock', 'plugins.0']);
    expect(await thrown(createCrm({ clock, retry: { maxAttempts: 0 } }))).toBeInstanceOf(ValidationError);
  });

  it('refuses hooks and jobs registered after setup', async () => {
    let late: (() => void) | undefined;
    const p = definePlugin({
      name: 'late',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup(ctx) {
        late = () => ctx.on('order.placed', () => {});
      },
    });
    await createTestHost({ plugins: [p()] });
    expect(() => late?.()).toThrow(/call ctx.on during setup/);
  });
});
