import type { AddressInfo } from 'node:net';
import { createManualClock, sequentialIds } from '@crmkit/core';
import { createStoreServer } from '../src/server';
import { createStore } from '../src/store';

/** Starts the store on a loopback port with a manual clock; returns its base URL and a stop function. */
export async function startStore(start = '2026-03-10T10:00:00Z') {
  const clock = createManualClock(start);
  const store = await createStore({ clock, ids: sequentialIds('id') });
  const server = createStoreServer(store);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON responses loosely
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { base, call, stop, clock, store };
}
