import type { EventName, Events, Method, Params, Results, StationClient } from '../../../common/api';
import type { PreloadApi } from './preload-api';
import { toStationError } from './wire';

/** StationClient over the Electron preload (`window.myriad`). */
export function createIpcClient(api: PreloadApi): StationClient {
  return {
    async call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]> {
      try {
        return (await api.call(method, params)) as Results[M];
      } catch (err) {
        throw toStationError(err);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return api.on(event, (payload) => listener(payload as Events[E]));
    },
    imageUrl: (sha256) => api.imageUrl(sha256),
  };
}
