import { StatusCodes, type StatusCode, type Variant } from 'node-opcua';
import { StationError } from '../../../common/errors';

/**
 * What OPC UA clients send the station, checked where it arrives, and the station's errors turned
 * into the status codes a client expects. The line service validates again; checking here as well
 * lets a bad call be answered with BadInvalidArgument before anything is queued.
 */

// C0 and C1 control characters and DEL: a part id ends up in file names, CSV and the PLC's screen.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** An optional text argument: '' and null mean "not given". */
export function optionalText(value: unknown, field: string, maxLength: number): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new StationError('INVALID_INPUT', `${field} must be a string`);
  if (value.length > maxLength) throw new StationError('INVALID_INPUT', `${field} is longer than ${maxLength} characters`);
  if (CONTROL.test(value)) throw new StationError('INVALID_INPUT', `${field} contains control characters`);
  return value;
}

export const PART_ID_MAX = 64;
export const RECIPE_NAME_MAX = 200;

/** A part id: 1-64 printable characters, or none. */
export function partIdArgument(value: unknown): string | null {
  return optionalText(value, 'PartId', PART_ID_MAX);
}

/** A recipe by name, or by its 1-based index written as digits (what a PLC has at hand). */
export function recipeArgument(value: unknown): string | number | null {
  const text = optionalText(value, 'Recipe', RECIPE_NAME_MAX);
  if (text === null) return null;
  return /^[1-9][0-9]{0,4}$/.test(text) ? Number(text) : text;
}

/**
 * The `Id` of a Machine Vision id structure (PartIdDataType, RecipeIdExternalDataType, ...), as
 * node-opcua decodes it from an ExtensionObject argument; null when the client sent none.
 */
export function structId(argument: Variant | undefined, field: string, maxLength: number): string | null {
  const value: unknown = argument?.value;
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || !('id' in value)) throw new StationError('INVALID_INPUT', `${field} must be a structure with an Id`);
  return optionalText(value.id, `${field}.Id`, maxLength);
}

export function numberArgument(argument: Variant | undefined, field: string): number {
  const value: unknown = argument?.value;
  if (value === null || value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new StationError('INVALID_INPUT', `${field} must be a non-negative integer`);
  return value;
}

/** Station error codes to OPC UA status codes. */
export function statusFor(err: unknown): StatusCode {
  const code = err instanceof StationError ? err.code : null;
  switch (code) {
    case 'INVALID_INPUT':
      return StatusCodes.BadInvalidArgument;
    case 'NOT_FOUND':
      return StatusCodes.BadNotFound;
    case 'BUSY':
      return StatusCodes.BadTooManyOperations;
    case 'UNAVAILABLE':
      return StatusCodes.BadResourceUnavailable;
    case 'FORBIDDEN':
      return StatusCodes.BadUserAccessDenied;
    default:
      return StatusCodes.BadInternalError;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
