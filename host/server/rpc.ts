import { z } from 'zod';
import { ApiParams, METHODS, type Method } from '../../common/api';
import { toWireError, type WireError } from '../../common/errors';
import type { SignInThrottle } from './sign-in-throttle';
import type { ServedHost } from './station-host';

/**
 * The wire protocol of the loopback WebSocket:
 *   client -> host  {id, method, params, session?}   (session: the token auth.login returned)
 *   host -> client  {id, result} | {id, error: {code, message}}   (id null when the request had none)
 *   host -> client  {event, payload}
 */
export type RequestId = number | string;

export type RpcReply = { id: RequestId | null; result: unknown } | { id: RequestId | null; error: WireError };

const RequestEnvelope = z.strictObject({
  id: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]),
  method: z.string().min(1).max(64),
  params: z.unknown(),
  session: z.string().min(1).max(128).optional(),
});

/** "path: problem" for each issue, so the operator and the tests see which field is wrong. */
export function describeZodError(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function isMethod(name: string): name is Method {
  return (METHODS as string[]).includes(name);
}

function idOf(value: unknown): RequestId | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = (value as { id: unknown }).id;
  const parsed = RequestEnvelope.shape.id.safeParse(id);
  return parsed.success ? parsed.data : null;
}

function fail(id: RequestId | null, code: WireError['code'], message: string): RpcReply {
  return { id, error: { code, message } };
}

/**
 * Handles one text message that arrived on `connection`: never throws, always resolves to the one
 * reply to send. Params are validated here, at the edge, before the host sees them (the host
 * validates again); sign-in calls beyond the connection's `throttle` are refused before any hashing.
 */
export async function handleMessage(host: ServedHost, text: string, maxBytes: number, connection: string, throttle?: SignInThrottle): Promise<RpcReply> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    return fail(null, 'INVALID_INPUT', `Message is ${bytes} bytes; the limit is ${maxBytes} bytes`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fail(null, 'INVALID_INPUT', `Message is not valid JSON (${reason})`);
  }
  const envelope = RequestEnvelope.safeParse(raw);
  if (!envelope.success) {
    return fail(idOf(raw), 'INVALID_INPUT', `Malformed request: ${describeZodError(envelope.error, '')}`);
  }
  const { id, method, params, session } = envelope.data;
  if (!isMethod(method)) {
    return fail(id, 'INVALID_INPUT', `Unknown method ${method}. Valid methods: ${METHODS.join(', ')}`);
  }
  const refused = throttle?.admit(method);
  if (refused) return fail(id, 'FORBIDDEN', refused);
  const checked = ApiParams[method].safeParse(params);
  if (!checked.success) {
    return fail(id, 'INVALID_INPUT', `Invalid params for ${method}: ${describeZodError(checked.error, 'params')}`);
  }
  try {
    return { id, result: await host.call(method, checked.data, session === undefined ? { connection } : { session, connection }) };
  } catch (err) {
    return { id, error: toWireError(err) };
  }
}
