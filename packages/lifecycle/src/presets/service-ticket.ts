import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { DelaySchema } from '../definition';
import { createMachine, type Machine } from '../machine';

/**
 * Options of {@link serviceTicket}: how soon a ticket must get a first response at each response level
 * (`context.level` 1 = immediate, 2 = within 24 h, 3 = within 72 h; a ticket without a level gets level 3),
 * how soon it must be resolved once responded to, and when a followed-up ticket closes by itself.
 *
 * @example
 * ```ts
 * ServiceTicketOptionsSchema.parse({ respondWithin: { 1: { minutes: 5 } } });
 * ```
 */
export const ServiceTicketOptionsSchema = z
  .object({
    respondWithin: z
      .object({
        1: DelaySchema.default({ minutes: 15 }),
        2: DelaySchema.default({ hours: 24 }),
        3: DelaySchema.default({ hours: 72 }),
      })
      .strict()
      .default({ 1: { minutes: 15 }, 2: { hours: 24 }, 3: { hours: 72 } }),
    resolveWithin: DelaySchema.default({ minutes: 30 }),
    closeAfterFollowUp: DelaySchema.default({ days: 7 }),
  })
  .strict();

/**
 * Input of {@link serviceTicket}.
 *
 * @example
 * ```ts
 * const o: ServiceTicketOptions = { resolveWithin: { hours: 4 } };
 * ```
 */
export type ServiceTicketOptions = z.input<typeof ServiceTicketOptionsSchema>;

/**
 * The service-ticket definition as JSON (see {@link serviceTicket}).
 *
 * @example
 * ```ts
 * serviceTicketDefinition().states.closed.final; // true
 * ```
 */
export function serviceTicketDefinition(options: ServiceTicketOptions = {}) {
  const o = parseWith(ServiceTicketOptionsSchema, 'service ticket options', options);
  const breach = (sla: string, level: number) => ({ type: 'sla.breached', params: { sla, level } }) as const;
  const resolutionBreach = { type: 'sla.breached', params: { sla: 'resolution' } } as const;
  const responseTimers = [
    {
      id: 'respondLevel1',
      after: o.respondWithin[1],
      when: { fact: 'context.level', op: 'eq', value: 1 },
      target: 'responseOverdue',
      effects: [breach('response', 1)],
      description: 'level 1 (immediate) response limit passed',
    },
    {
      id: 'respondLevel2',
      after: o.respondWithin[2],
      when: { fact: 'context.level', op: 'eq', value: 2 },
      target: 'responseOverdue',
      effects: [breach('response', 2)],
      description: 'level 2 (24 h) response limit passed',
    },
    {
      id: 'respondLevel3',
      after: o.respondWithin[3],
      when: { not: { fact: 'context.level', op: 'in', value: [1, 2] } },
      target: 'responseOverdue',
      effects: [breach('response', 3)],
      description: 'level 3 (72 h) response limit passed',
    },
  ] as const;
  return {
    id: 'service-ticket',
    description: 'service tickets: opened → responded → resolved → followed up → closed, with SLA timers',
    initial: 'opened',
    events: {
      'ticket.responded': { description: 'an agent answered the customer' },
      'ticket.resolved': { description: 'the problem was solved' },
      'ticket.followedUp': { description: 'the customer was asked how it went (feedback)' },
      'ticket.reopened': { description: 'the problem came back' },
      'ticket.closed': { description: 'closed by an agent' },
    },
    effects: {
      'sla.breached': { description: 'a time limit was missed: emit an SLA breach event' },
      'ticket.escalate': { description: 'hand the ticket to a supervisor' },
      'ticket.requestFeedback': { description: 'ask the customer for feedback (CSAT)' },
      'ticket.autoClosed': { description: 'closed without further contact' },
    },
    states: {
      opened: {
        description: 'waiting for a first response',
        on: {
          'ticket.responded': { target: 'responded' },
          'ticket.resolved': { target: 'resolved', description: 'solved on first contact' },
        },
        after: responseTimers,
      },
      responseOverdue: {
        description: 'the response limit passed without a response',
        entry: ['ticket.escalate'],
        on: { 'ticket.responded': { target: 'responded' }, 'ticket.resolved': { target: 'resolved' } },
      },
      responded: {
        description: 'answered, being worked on',
        on: { 'ticket.resolved': { target: 'resolved' } },
        after: [
          {
            id: 'resolve',
            after: o.resolveWithin,
            target: 'resolutionOverdue',
            effects: [resolutionBreach],
            description: 'resolution limit passed',
          },
        ],
      },
      resolutionOverdue: {
        description: 'the resolution limit passed',
        entry: ['ticket.escalate'],
        on: { 'ticket.resolved': { target: 'resolved' } },
      },
      resolved: {
        description: 'solved; follow up with the customer',
        entry: ['ticket.requestFeedback'],
        on: {
          'ticket.followedUp': { target: 'followedUp' },
          'ticket.reopened': { target: 'reopened' },
          'ticket.closed': { target: 'closed' },
        },
      },
      followedUp: {
        description: 'the customer gave feedback',
        on: { 'ticket.reopened': { target: 'reopened' }, 'ticket.closed': { target: 'closed' } },
        after: [
          {
            id: 'autoClose',
            after: o.closeAfterFollowUp,
            target: 'closed',
            effects: ['ticket.autoClosed'],
            description: 'closes by itself after the follow-up',
          },
        ],
      },
      reopened: {
        description: 'the problem came back: waiting for a response again',
        on: { 'ticket.responded': { target: 'responded' }, 'ticket.resolved': { target: 'resolved' } },
        after: responseTimers,
      },
      closed: { description: 'done', final: true },
    },
  } as const;
}

/**
 * Service tickets, ready to use: opened → responded → resolved → followedUp → closed, reopened from
 * resolved or followedUp. The first response is due per response level (`context.level`: 1 within
 * 15 minutes, 2 within 24 hours, 3 — or no level — within 72 hours); resolution within 30 minutes of the
 * response; a followed-up ticket closes itself after 7 days. A missed limit moves the ticket to
 * `responseOverdue` / `resolutionOverdue` with the effects `sla.breached` (params `{ sla: 'response', level }`
 * or `{ sla: 'resolution' }`) and
 * `ticket.escalate`. Every limit is configurable.
 *
 * @example
 * ```ts
 * const tickets = serviceTicket({ resolveWithin: { hours: 1 } });
 * dueTimers(tickets, { state: 'opened', since: new Date('2026-03-01T09:00:00Z') }, new Date('2026-03-01T09:15:00Z'), { level: 1 })[0]?.timer; // 'respondLevel1'
 * ```
 */
export function serviceTicket(
  options: ServiceTicketOptions = {},
): Machine<
  | 'opened'
  | 'responseOverdue'
  | 'responded'
  | 'resolutionOverdue'
  | 'resolved'
  | 'followedUp'
  | 'reopened'
  | 'closed',
  'ticket.responded' | 'ticket.resolved' | 'ticket.followedUp' | 'ticket.reopened' | 'ticket.closed'
> {
  return createMachine(serviceTicketDefinition(options));
}
