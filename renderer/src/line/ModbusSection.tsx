import { BITS, REGISTERS, type BitName, type RegisterName } from '../../../common/modbus-register-map';
import { useT } from '../i18n/I18nProvider';
import type { LineDraft } from './line-settings-draft';

type Modbus = LineDraft['modbus'];

interface Props {
  modbus: Modbus;
  onChange: (modbus: Modbus) => void;
  disabled: boolean;
}

/** The Modbus TCP server the PLC polls, and the handshake's register map it serves. */
export function ModbusSection({ modbus, onChange, disabled }: Props) {
  const { t } = useT();
  const set = <K extends keyof Modbus>(key: K, value: Modbus[K]) => onChange({ ...modbus, [key]: value });
  return (
    <fieldset className="line-section" data-testid="line-modbus" disabled={disabled}>
      <legend>{t('line.adapter.modbus')}</legend>
      <label className="field inline">
        <input type="checkbox" data-testid="line-modbus-enabled" checked={modbus.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span>{t('line.enabled')}</span>
      </label>
      <label className="field">
        <span>{t('line.modbus.host')}</span>
        <input data-testid="line-modbus-host" value={modbus.host} onChange={(e) => set('host', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('line.port')}</span>
        <input type="number" data-testid="line-modbus-port" value={modbus.port} onChange={(e) => set('port', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('line.modbus.unitId')}</span>
        <input type="number" data-testid="line-modbus-unit-id" value={modbus.unitId} onChange={(e) => set('unitId', e.target.value)} />
      </label>
      <ModbusRegisterMap />
    </fieldset>
  );
}

/** The register map, read-only, from the declaration the Modbus adapter serves (common/modbus-register-map.ts). */
export function ModbusRegisterMap() {
  const { t } = useT();
  const bits = Object.entries(BITS) as Array<[BitName, (typeof BITS)[BitName]]>;
  const registers = Object.entries(REGISTERS) as Array<[RegisterName, (typeof REGISTERS)[RegisterName]]>;
  return (
    <table className="line-table line-register-map" data-testid="line-modbus-map">
      <caption>{t('line.modbus.map')}</caption>
      <thead>
        <tr>
          <th>{t('line.modbus.table')}</th>
          <th>{t('line.modbus.address')}</th>
          <th>{t('line.modbus.name')}</th>
          <th>{t('line.modbus.writer')}</th>
          <th>{t('line.modbus.meaning')}</th>
        </tr>
      </thead>
      <tbody>
        {bits.map(([key, b]) => (
          <tr key={`bit-${key}`} data-testid={`line-modbus-bit-${key}`}>
            <td>{t('line.modbus.bits')}</td>
            <td>{b.address}</td>
            <td>{b.name}</td>
            <td data-writer={b.writer}>{t(`line.modbus.writer.${b.writer}`)}</td>
            <td>{t(`line.modbus.meaning.bit.${key}`)}</td>
          </tr>
        ))}
        {registers.map(([key, r]) => (
          <tr key={`register-${key}`} data-testid={`line-modbus-register-${key}`}>
            <td>{t('line.modbus.registers')}</td>
            <td>{r.count === 1 ? r.address : `${r.address}–${r.address + r.count - 1}`}</td>
            <td>{r.name}</td>
            <td data-writer={r.writer}>{t(`line.modbus.writer.${r.writer}`)}</td>
            <td>{t(`line.modbus.meaning.register.${key}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
