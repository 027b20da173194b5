import { EventEmitter } from 'node:events';

/** EventEmitter whose event names and listener arguments are checked by the compiler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listener args are checked per event by Parameters<>
type Listener = (...args: any[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  readonly #emitter = new EventEmitter();

  constructor() {
    // A softphone has a handful of listeners per object; no leak warnings for UI fan-out.
    this.#emitter.setMaxListeners(50);
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof Events & string>(event: K, listener: Events[K]): () => void {
    this.#emitter.on(event, listener as Listener);
    return () => this.#emitter.off(event, listener as Listener);
  }

  once<K extends keyof Events & string>(event: K, listener: Events[K]): () => void {
    this.#emitter.once(event, listener as Listener);
    return () => this.#emitter.off(event, listener as Listener);
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    this.#emitter.emit(event, ...args);
  }

  protected removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
