import {
  BIT_COUNT,
  BITS,
  bitEntryAt,
  MODBUS_EXCEPTION,
  REGISTER_COUNT,
  REGISTERS,
  registerEntryAt,
  type BitName,
  type RegisterName,
} from '../../../common/modbus-register-map';

/** What modbus-serial's server sends back as an exception response: it reads `modbusErrorCode`. */
export class ModbusException extends Error {
  readonly modbusErrorCode: number;
  constructor(modbusErrorCode: number, message: string) {
    super(message);
    this.name = 'ModbusException';
    this.modbusErrorCode = modbusErrorCode;
  }
}

type Done = (err: Error | null) => void;

/**
 * The service vector handed to modbus-serial's ServerTCP, typed here because the library's own
 * declaration is a union of callback, promise and plain forms. The server picks the form by each
 * function's declared parameter count, so these counts matter: setCoil takes a callback (4), the
 * others answer synchronously.
 */
export interface ModbusVector {
  getCoil(addr: number, unitID: number): boolean;
  getDiscreteInput(addr: number, unitID: number): boolean;
  getHoldingRegister(addr: number, unitID: number): number;
  getInputRegister(addr: number, unitID: number): number;
  getMultipleHoldingRegisters(addr: number, length: number, unitID: number): number[];
  getMultipleInputRegisters(addr: number, length: number, unitID: number): number[];
  setCoil(addr: number, value: boolean, unitID: number, cb: Done): void;
  setRegister(addr: number, value: number, unitID: number): void;
  setRegisterArray(addr: number, value: number[], unitID: number): void;
}

export interface RegisterImageEvents {
  /** The PLC wrote one of its coils (called once per coil, in address order, after the whole write applied). */
  plcBit(name: BitName, value: boolean, previous: boolean): void;
  /** A request the map refuses (a write to a station address, an address outside the map). */
  refused(message: string): void;
  /** Before registers are read: lets the adapter refresh values it reads live (the active recipe). */
  beforeRegisterRead(): void;
}

const bitNameAt = new Map<number, BitName>(Object.entries(BITS).map(([name, b]) => [b.address, name as BitName]));

/**
 * The station's side of the map in memory, and the Modbus edge that guards it: every write is
 * checked against the map whole before any of it applies, so a refused multi-write changes nothing.
 */
export class RegisterImage {
  private readonly bits = new Array<boolean>(BIT_COUNT).fill(false);
  private readonly registers = new Array<number>(REGISTER_COUNT).fill(0);
  /** Coil writes of one request arrive as separate calls within one tick; they are checked together. */
  private pendingCoils: Array<{ addr: number; value: boolean; cb: Done }> = [];

  constructor(private readonly events: RegisterImageEvents) {}

  bit(name: BitName): boolean {
    return this.bits[BITS[name].address] ?? false;
  }

  setBit(name: BitName, value: boolean): void {
    this.bits[BITS[name].address] = value;
  }

  register(name: RegisterName): number[] {
    const { address, count } = REGISTERS[name];
    return this.registers.slice(address, address + count);
  }

  setRegister(name: RegisterName, values: number | readonly number[]): void {
    const { address, count } = REGISTERS[name];
    const list = typeof values === 'number' ? [values] : values;
    if (list.length !== count) throw new Error(`${REGISTERS[name].name} takes ${count} registers, got ${list.length}`);
    list.forEach((v, i) => {
      this.registers[address + i] = v & 0xffff;
    });
  }

  readonly vector: ModbusVector = {
    getCoil: (addr) => this.readBit(addr, 'coil'),
    getDiscreteInput: (addr) => this.readBit(addr, 'discrete input'),
    getHoldingRegister: (addr) => this.readRegisters(addr, 1, 'holding register')[0] ?? 0,
    getInputRegister: (addr) => this.readRegisters(addr, 1, 'input register')[0] ?? 0,
    getMultipleHoldingRegisters: (addr, length) => this.readRegisters(addr, length, 'holding register'),
    getMultipleInputRegisters: (addr, length) => this.readRegisters(addr, length, 'input register'),
    setCoil: (addr, value, _unitID, cb) => {
      this.pendingCoils.push({ addr, value, cb });
      if (this.pendingCoils.length === 1) queueMicrotask(() => this.applyCoils());
    },
    setRegister: (addr, value) => this.writeRegisters(addr, [value]),
    setRegisterArray: (addr, value) => this.writeRegisters(addr, value),
  };

  private readBit(addr: number, table: string): boolean {
    const value = this.bits[addr];
    // One read of N bits asks for each bit in turn: the message names no address, so the station
    // log gets one line per refused read rather than one per bit.
    if (value === undefined) throw this.refuse(MODBUS_EXCEPTION.illegalDataAddress, `read of a ${table} past the map: it has bits 0..${BIT_COUNT - 1}`);
    return value;
  }

  private readRegisters(addr: number, length: number, table: string): number[] {
    if (addr + length > REGISTER_COUNT) {
      throw this.refuse(MODBUS_EXCEPTION.illegalDataAddress, `read of ${table}s ${addr}..${addr + length - 1}: the map has registers 0..${REGISTER_COUNT - 1}`);
    }
    this.events.beforeRegisterRead();
    return this.registers.slice(addr, addr + length);
  }

  private applyCoils(): void {
    const batch = this.pendingCoils;
    this.pendingCoils = [];
    const bad = batch.find((w) => bitEntryAt(w.addr)?.writer !== 'plc');
    if (bad) {
      const entry = bitEntryAt(bad.addr);
      const why = entry ? `${entry.name} is set by the station (read-only)` : `the map has bits 0..${BIT_COUNT - 1}`;
      const error = this.refuse(MODBUS_EXCEPTION.illegalDataAddress, `write of coil ${bad.addr} refused: ${why}; nothing of this write applied`);
      for (const w of batch) w.cb(error);
      return;
    }
    const changes = batch.map((w) => {
      const previous = this.bits[w.addr] ?? false;
      this.bits[w.addr] = w.value;
      return { w, previous };
    });
    for (const { w } of changes) w.cb(null);
    for (const { w, previous } of changes) {
      const name = bitNameAt.get(w.addr);
      if (name) this.events.plcBit(name, w.value, previous);
    }
  }

  private writeRegisters(addr: number, values: readonly number[]): void {
    for (let i = 0; i < values.length; i++) {
      const entry = registerEntryAt(addr + i);
      if (entry?.writer !== 'plc') {
        const why = entry ? `${entry.name} is set by the station (read-only)` : `the map has registers 0..${REGISTER_COUNT - 1}`;
        throw this.refuse(MODBUS_EXCEPTION.illegalDataAddress, `write of register ${addr + i} refused: ${why}; nothing of this write applied`);
      }
    }
    values.forEach((v, i) => {
      this.registers[addr + i] = v & 0xffff;
    });
  }

  private refuse(code: number, message: string): ModbusException {
    this.events.refused(message);
    return new ModbusException(code, message);
  }
}
