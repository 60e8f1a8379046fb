import type { Storage } from '@crmkit/core';

/** Document collection of the blind indexes: id `<kind>:<hmac>`, data `{ ids }`. */
export const INDEX_COLLECTION = 'privacy.index';

async function editIndex(tx: Storage, docId: string, edit: (ids: string[]) => string[]): Promise<void> {
  const doc = await tx.documents.get<{ ids: string[] }>(INDEX_COLLECTION, docId);
  const ids = edit([...(doc?.data.ids ?? [])]);
  if (doc === undefined && ids.length === 0) return;
  if (ids.length === 0) await tx.documents.delete(INDEX_COLLECTION, docId, { expectedVersion: doc!.version });
  else await tx.documents.put(INDEX_COLLECTION, docId, { ids }, { expectedVersion: doc?.version ?? null });
}

/** Moves a customer id between blind index documents as its indexed values change. */
export async function updateIndexes(
  tx: Storage,
  customerId: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Promise<void> {
  for (const kind of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(kind);
    const next = after.get(kind);
    if (old === next) continue;
    if (old !== undefined)
      await editIndex(tx, `${kind}:${old}`, (ids) => ids.filter((id) => id !== customerId));
    if (next !== undefined) {
      await editIndex(tx, `${kind}:${next}`, (ids) =>
        ids.includes(customerId) ? ids : [...ids, customerId].sort(),
      );
    }
  }
}

/** The customer ids under one blind index value. */
export async function idsUnder(storage: Storage, kind: string, index: string): Promise<string[]> {
  const doc = await storage.documents.get<{ ids: string[] }>(INDEX_COLLECTION, `${kind}:${index}`);
  return [...(doc?.data.ids ?? [])];
}
