import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isCrmError } from '@crmkit/core';
import { loyaltyPlugin } from '@crmkit/plugin-sdk';
import { accountPage } from './page';
import { type Store, statusOf } from './store';

type Handler = (
  req: IncomingMessage,
  params: string[],
  body: unknown,
) => Promise<{ status?: number; json?: unknown; html?: string }>;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 100_000) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

/** The store's HTTP API and account page. */
export function createStoreServer(store: Store): Server {
  const { crm } = store;
  const loyalty = crm.api(loyaltyPlugin);
  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/api\/products$/, async () => ({ json: store.products })],
    [
      'POST',
      /^\/api\/customers$/,
      async (_req, _p, body) => ({
        status: 201,
        json: await crm.recordCustomer({ ...(body as object), createdAt: crm.clock.now() } as never),
      }),
    ],
    [
      'POST',
      /^\/api\/carts$/,
      async (_req, _p, body) => ({
        status: 201,
        json: { cartId: await store.createCart(String(field(body, 'customerId'))) },
      }),
    ],
    [
      'POST',
      /^\/api\/carts\/([^/]+)\/items$/,
      async (_req, [cartId], body) => ({
        json: {
          lines: store.addToCart(cartId!, String(field(body, 'sku')), Number(field(body, 'quantity') ?? 1)),
        },
      }),
    ],
    [
      'POST',
      /^\/api\/carts\/([^/]+)\/checkout$/,
      async (_req, [cartId]) => ({ status: 201, json: await store.checkout(cartId!) }),
    ],
    [
      'POST',
      /^\/api\/orders\/([^/]+)\/refunds$/,
      async (_req, [orderId], body) => {
        const amount = field(body, 'amount');
        return {
          status: 201,
          json: await store.refund(orderId!, amount === undefined ? undefined : String(amount)),
        };
      },
    ],
    [
      'GET',
      /^\/api\/customers\/([^/]+)\/loyalty$/,
      async (_req, [id]) => {
        const r = await loyalty.endpoints.account(decodeURIComponent(id!));
        return { status: r.status, json: r.body };
      },
    ],
    [
      'POST',
      /^\/api\/rewards\/redeem$/,
      async (_req, _p, body) => {
        const r = await loyalty.endpoints.redeem(body);
        return { status: r.status, json: r.body };
      },
    ],
    [
      'GET',
      /^\/account\/([^/]+)$/,
      async (_req, [id]) => {
        const memberId = decodeURIComponent(id!);
        const customer = await crm.storage.customers.get(memberId);
        if (!customer) return { status: 404, html: '<h1>No such customer</h1>' };
        return { html: accountPage(customer.value, await loyalty.account(memberId)) };
      },
    ],
  ];

  return createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://store').pathname;
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
    try {
      if (!route)
        return send(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}` } });
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const out = await route[2](req, route[1].exec(path)!.slice(1), body);
      if (out.html !== undefined) {
        res.writeHead(out.status ?? 200, { 'content-type': 'text/html; charset=utf-8' }).end(out.html);
      } else send(res, out.status ?? 200, out.json);
    } catch (error) {
      const status = (error as { status?: number }).status ?? statusOf(error);
      const message = error instanceof Error ? error.message : String(error);
      send(res, status, { error: { code: isCrmError(error) ? error.code : 'ERROR', message } });
    }
  }
}

function send(res: ServerResponse, status: number, json: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}
