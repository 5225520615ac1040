import type { EventName, Events, Method, Params, Results, StationClient } from '../../../common/api';
import { stationErrorFromIpc, type MyriadPreloadApi } from '../../../common/preload-api';

/** StationClient over the Electron preload (`window.myriad`); errors keep the host's code. */
export function createIpcClient(api: MyriadPreloadApi): StationClient {
  return {
    async call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]> {
      try {
        return (await api.call(method, params)) as Results[M];
      } catch (err) {
        throw stationErrorFromIpc(err);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return api.on(event, listener);
    },
    imageUrl: (sha256) => api.imageUrl(sha256),
    async downloadExport(file) {
      try {
        await api.saveExport(file.id);
      } catch (err) {
        throw stationErrorFromIpc(err);
      }
    },
  };
}
