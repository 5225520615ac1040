import { DeferredAdapter } from './deferred-adapter';
import type { LineAdapterName } from './line-adapter';
import type { LineAdapterFactory } from './line-service';
import { ModbusAdapter } from './modbus/modbus-adapter';
import { mqttAdapter } from './mqtt/mqtt-adapter';

/** The station's three line channels, each made from the current settings; OPC UA keeps its certificates under `dataDir`/pki. */
export function stationLineAdapters(dataDir: string): Record<LineAdapterName, LineAdapterFactory> {
  return {
    mqtt: mqttAdapter,
    opcua: (settings) =>
      new DeferredAdapter('opcua', async () => {
        const { OpcuaAdapter } = await import('./opcua/opcua-adapter');
        return new OpcuaAdapter({ settings: settings.opcua, dataDir });
      }),
    modbus: (settings) => new ModbusAdapter(settings.modbus),
  };
}
