import type { DocumentStore, EventLog, LogEvent, Storage } from '@crmkit/core';
import type { PluginStorage } from './plugin';

/** The plugin's view of the storage: documents and streams under `prefix`. */
export function namespacedStorage(storage: Storage, prefix: string): PluginStorage {
  const documents: DocumentStore = {
    get: (collection, id) => storage.documents.get(prefix + collection, id),
    put: (collection, id, data, options) =>
      storage.documents.put(prefix + collection, id, data, options).then((d) => ({ ...d, collection })),
    delete: (collection, id, options) => storage.documents.delete(prefix + collection, id, options),
    async *list(collection, query) {
      for await (const d of storage.documents.list(prefix + collection, query)) yield { ...d, collection };
    },
  } as DocumentStore;
  const strip = (e: LogEvent): LogEvent => ({ ...e, stream: e.stream.slice(prefix.length) });
  const events: EventLog = {
    append: (stream, list, options) =>
      storage.events.append(prefix + stream, list, options).then((out) => out.map(strip)),
    async *read(stream, query) {
      for await (const e of storage.events.read(prefix + stream, query)) yield strip(e);
    },
    async *readAll(query) {
      for await (const e of storage.events.readAll(query)) if (e.stream.startsWith(prefix)) yield strip(e);
    },
    lastSequence: (stream) => storage.events.lastSequence(prefix + stream),
  };
  return {
    documents,
    events,
    withTransaction: (work) => storage.withTransaction((tx) => work(namespacedStorage(tx, prefix))),
  };
}
