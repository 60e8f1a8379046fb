/** The qualified, quoted names of crmkit's tables in one schema. */
export interface Tables {
  readonly schema: string;
  readonly migrations: string;
  readonly customers: string;
  readonly orders: string;
  readonly interactions: string;
  readonly campaigns: string;
  readonly documents: string;
  readonly events: string;
  readonly eventHead: string;
  readonly idempotency: string;
}

/** Names crmkit's tables inside `schema` (already checked to be a plain identifier). */
export function tablesIn(schema: string): Tables {
  const q = `"${schema}"`;
  return {
    schema: q,
    migrations: `${q}.schema_migrations`,
    customers: `${q}.customers`,
    orders: `${q}.orders`,
    interactions: `${q}.interactions`,
    campaigns: `${q}.campaigns`,
    documents: `${q}.documents`,
    events: `${q}.events`,
    eventHead: `${q}.event_log_head`,
    idempotency: `${q}.idempotency_keys`,
  };
}
