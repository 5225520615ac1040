import type { StationHost } from '../station';

/**
 * What the loopback server needs of the station host (host/station.ts StationHost): the transport
 * depends on the facade's shape, not on how the host builds its services.
 */
export type ServedHost = Pick<StationHost, 'call' | 'disconnect' | 'on' | 'blobPath' | 'exportFile'>;
