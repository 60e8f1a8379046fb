import { systemClock } from '@crmkit/core';
import { createStoreServer } from './server';
import { createStore } from './store';

const port = Number(process.env.PORT ?? 3000);
const store = await createStore({ clock: systemClock, ids: () => globalThis.crypto.randomUUID() });
await store.crm.recordCustomer({
  id: 'demo',
  name: 'Demo Customer',
  email: 'demo@example.com',
  createdAt: systemClock.now(),
});

createStoreServer(store).listen(port, '127.0.0.1', () => {
  console.log(`store on http://127.0.0.1:${port} — account page: http://127.0.0.1:${port}/account/demo`);
});
