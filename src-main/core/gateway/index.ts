// Public surface of the media gateway (see types.ts for the contract).
import type { Logger } from '../log/logger';
import { MediaGatewayImpl } from './gateway';
import type { GatewayOptions, MediaGateway } from './types';

export function createMediaGateway(options: GatewayOptions, log: Logger): MediaGateway & { readonly portsInUse: number; readonly activeCalls: number } {
  return new MediaGatewayImpl(options, log);
}

export { MediaGatewayImpl } from './gateway';
export { PortRangeExhaustedError, GatewayDisposedError, RendererNegotiationError, UnsupportedCodecError, ConferenceCodecError, ConferenceMediaError } from './errors';
export { RendererConnectionLostError } from './call-media';
export { RENDERER_CODECS } from './codecs';
export type * from './types';
export { linearToUlaw, ulawToLinear, linearToAlaw, alawToLinear, decodeG711, encodeG711, g711Law, type G711Law } from './g711';
