// Events arrive as untrusted JSON text; only well-formed, known events reach the store.
import type { CoreEvent, EventType } from '../../shared/protocol';

const EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['snapshot', 'result', 'rtc.description', 'notice', 'ring']);

export class EventParseError extends Error {
  override name = 'EventParseError';
}

export function parseEvent(raw: unknown): CoreEvent {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      throw new EventParseError('event is not valid JSON');
    }
  }
  if (typeof data !== 'object' || data === null) throw new EventParseError('event is not an object');
  const { type, payload } = data as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !EVENT_TYPES.has(type as EventType)) {
    throw new EventParseError(`unknown event type ${JSON.stringify(type)}`);
  }
  if (typeof payload !== 'object' || payload === null) throw new EventParseError(`${type} event has no payload`);
  return { type, payload } as CoreEvent;
}
