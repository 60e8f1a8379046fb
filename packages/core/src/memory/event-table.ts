import type { LogEvent } from '../ports';

/** Event streams that can be read and appended to: the committed log, or a transaction's view of it. */
export interface EventView {
  /** The last sequence of a stream (0 when empty). */
  lastSequence(stream: string): number;
  /** The last position across every stream (0 when empty). */
  lastPosition(): number;
  hasId(id: string): boolean;
  /** Appends events already numbered with the next sequences and positions. */
  append(stream: string, events: readonly LogEvent[]): void;
  /** Up to `count` events of a stream, from the 0-based index `start`. */
  streamSlice(stream: string, start: number, count: number): LogEvent[];
  /** Up to `count` events of the whole log, from the 0-based index `start` (position `start + 1`). */
  allSlice(start: number, count: number): LogEvent[];
}

/** Every committed event: appended in position order, never changed, so readers index into the arrays. */
export class EventTable implements EventView {
  private readonly all: LogEvent[] = [];
  private readonly streams = new Map<string, LogEvent[]>();
  private readonly ids = new Set<string>();

  lastSequence(stream: string): number {
    return this.streams.get(stream)?.length ?? 0;
  }

  lastPosition(): number {
    return this.all.length;
  }

  hasId(id: string): boolean {
    return this.ids.has(id);
  }

  append(stream: string, events: readonly LogEvent[]): void {
    let list = this.streams.get(stream);
    if (list === undefined) {
      list = [];
      this.streams.set(stream, list);
    }
    for (const event of events) {
      list.push(event);
      this.all.push(event);
      this.ids.add(event.id);
    }
  }

  streamSlice(stream: string, start: number, count: number): LogEvent[] {
    return this.streams.get(stream)?.slice(start, start + count) ?? [];
  }

  allSlice(start: number, count: number): LogEvent[] {
    return this.all.slice(start, start + count);
  }
}

/** A transaction's view of the log: its appends are staged after the committed events until `commit`. */
export class StagedEvents implements EventView {
  private readonly staged = new EventTable();
  private readonly order: { stream: string; events: readonly LogEvent[] }[] = [];

  constructor(private readonly base: EventTable) {}

  lastSequence(stream: string): number {
    return this.base.lastSequence(stream) + this.staged.lastSequence(stream);
  }

  lastPosition(): number {
    return this.base.lastPosition() + this.staged.lastPosition();
  }

  hasId(id: string): boolean {
    return this.base.hasId(id) || this.staged.hasId(id);
  }

  append(stream: string, events: readonly LogEvent[]): void {
    this.staged.append(stream, events);
    this.order.push({ stream, events });
  }

  streamSlice(stream: string, start: number, count: number): LogEvent[] {
    const committed = this.base.streamSlice(stream, start, count);
    const skipped = Math.max(0, start - this.base.lastSequence(stream));
    return committed.concat(this.staged.streamSlice(stream, skipped, count - committed.length));
  }

  allSlice(start: number, count: number): LogEvent[] {
    const committed = this.base.allSlice(start, count);
    const skipped = Math.max(0, start - this.base.lastPosition());
    return committed.concat(this.staged.allSlice(skipped, count - committed.length));
  }

  /** Applies the staged appends to the committed log, in their order. */
  commit(): void {
    for (const { stream, events } of this.order) this.base.append(stream, events);
  }
}
