import type { z } from 'zod';
import { ApiParams, METHODS, type Method, type Params, type Results } from '../common/api';
import { StationError } from '../common/errors';
import type { Role } from '../db/repositories/users';
import { requireRole } from './accounts/roles';

export interface CallContext {
  /** The signed-in user; the station's default operator when absent. */
  user: string;
  role: Role;
  /** The caller's session token; null for the anonymous station operator and in-process callers. */
  session: string | null;
  /**
   * The transport connection the call came on (a WebSocket, one page load of an Electron window,
   * or LOCAL_CONNECTION in-process): what it opens, such as camera sessions, ends with it.
   */
  connection: string;
}

/** The connection of in-process callers (CLI, tests), which never disconnect. */
export const LOCAL_CONNECTION = 'local';

export type Handlers = { [M in Method]: (params: Params<M>, ctx: CallContext) => Promise<Results[M]> };

export function isMethod(method: string): method is Method {
  return (METHODS as readonly string[]).includes(method);
}

/**
 * Checks a raw call against common/api.ts before any work: the method must be a channel and the
 * params must match its strict schema.
 *
 * @throws StationError('INVALID_INPUT') naming the method or the first offending field.
 */
export function validateCall<M extends Method>(method: string, params: unknown): { method: M; params: Params<M> } {
  if (typeof method !== 'string' || !isMethod(method)) {
    throw new StationError('INVALID_INPUT', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}. Valid methods: ${METHODS.join(', ')}`);
  }
  const schema = ApiParams[method] as z.ZodType;
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid params for ${method}: ${describeIssue(parsed.error)}`);
  return { method: method as M, params: parsed.data as Params<M> };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ');
    return `unexpected field ${fields}`;
  }
  return `${at || '(params)'}: ${issue.message}`;
}

/**
 * Checks the caller's role (host/accounts/roles.ts), validates and runs one call with its typed
 * handler. The role is checked before the params so a refused caller learns nothing from them.
 */
export async function dispatch(handlers: Handlers, method: string, params: unknown, ctx: CallContext): Promise<unknown> {
  if (typeof method === 'string' && isMethod(method)) requireRole(method, ctx.role);
  const call = validateCall(method, params);
  const handler = handlers[call.method] as (p: unknown, c: CallContext) => Promise<unknown>;
  return handler(call.params, ctx);
}
