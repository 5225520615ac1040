import { StationError } from '../../common/errors';
import { ROLE_NAMES as ROLES } from '../../common/api';
import type { Role } from '../../db/repositories/users';

/**
 * Who may call what: the one table the host dispatcher checks on every call (IPC, WebSocket, CLI
 * alike), so a UI that hides a button is a convenience, never the protection.
 * docs/method.md §Product rules: operators inspect, ask, add instructions (scoped to their shift), review (a golden
 * sample they mark is only a proposal); engineers change recipes, thresholds and golden sets;
 * supervisors export and audit; admins manage users.
 * An admin may do everything: on a single station the admin is also the one who fixes things.
 */
const EVERYONE: readonly Role[] = ROLES;
const ENGINEERS: readonly Role[] = ['engineer', 'admin'];
const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
const OFFICE: readonly Role[] = ['engineer', 'supervisor', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * Keyed by method name rather than typed as Record<Method, ...> so channels added in parallel
 * branches do not break each other's builds; a method missing here is refused for everyone
 * (default deny), and test/host/accounts/roles.test.ts fails until it is listed.
 */
export const METHOD_ROLES: Readonly<Record<string, readonly Role[]>> = {
  'status.get': EVERYONE,
  'recipes.list': EVERYONE,
  'recipes.get': EVERYONE,
  // Selecting a recipe on the Inspect screen warms it; nothing is changed.
  'recipes.prepare': EVERYONE,
  'recipes.setBand': ENGINEERS,
  // Making a recipe from the Recipes screen: fitting, looking at its calibration, saving it.
  'recipes.draft': ENGINEERS,
  'recipes.draftResult': ENGINEERS,
  'recipes.draftCancel': ENGINEERS,
  'recipes.draftSave': ENGINEERS,
  // What the station does on a failed part is part of the recipe: engineers set it.
  'recipes.setAlarm': ENGINEERS,
  // So is whether Myriad's verdict may stand against the expert's: it decides which parts a person sees.
  'recipes.setModelVerdictPolicy': ENGINEERS,
  'recipes.setLineCameraSource': ENGINEERS,
  // Whoever stands at the station silences the alarm; the audit trail records who.
  'alarm.acknowledge': EVERYONE,
  'alarm.pending': EVERYONE,
  // Everyone sees whether the line is connected (the top bar); connecting it is set-up work.
  'line.status': EVERYONE,
  'line.settings': ENGINEERS,
  'line.setSettings': ENGINEERS,
  'line.sendTest': ENGINEERS,
  'line.trigger': ENGINEERS,
  // Whoever has the Inspect screen open with a webcam gives line triggers its stills (the connection is checked too).
  'line.offerWebcam': EVERYONE,
  'line.frame': EVERYONE,
  // In-process only (the CLI's recipe create): it reads golden samples from a folder on the station.
  'recipes.create': ENGINEERS,
  'camera.sources': EVERYONE,
  'camera.open': EVERYONE,
  'camera.read': EVERYONE,
  'camera.close': EVERYONE,
  // Which folders the station's camera may read is set-up work: engineers only.
  'camera.roots': ENGINEERS,
  'camera.setRoots': ENGINEERS,
  inspect: EVERYONE,
  'dialog.ask': EVERYONE,
  'dialog.cancel': EVERYONE,
  'instructions.list': EVERYONE,
  'instructions.room': EVERYONE,
  'instructions.add': EVERYONE,
  // Operators may end only the instructions they added themselves (checked by the handler).
  'instructions.remove': EVERYONE,
  'inspections.recent': EVERYONE,
  'inspections.get': EVERYONE,
  'auth.login': EVERYONE,
  'auth.pin': EVERYONE,
  'auth.logout': EVERYONE,
  'auth.whoami': EVERYONE,
  // Each signed-in user keeps their own (checked by the handler: the anonymous operator may not).
  'preferences.setLanguage': EVERYONE,
  'users.list': ADMINS,
  'users.add': ADMINS,
  'audit.verify': SUPERVISORS,
  'audit.list': SUPERVISORS,
  'replay.run': OFFICE,
  'review.queue': EVERYONE,
  'review.item': EVERYONE,
  // Anyone may mark a part good and ask for it to join the golden set; only an engineer's call
  // refits the recipe (review-service.ts decides which from this table's golden.confirm row).
  'review.decide': EVERYONE,
  'golden.proposals': EVERYONE,
  'golden.confirm': ENGINEERS,
  'golden.reject': ENGINEERS,
  'history.query': EVERYONE,
  'history.summary': EVERYONE,
  // The Inspect screen's strip: whoever stands at the station sees how the shift is going.
  'shift.counters': EVERYONE,
  'reports.export': SUPERVISORS,
  // In-process only (the CLI's report --out FILE).
  'reports.write': SUPERVISORS,
};

const ROLE_NAMES: Record<Role, string> = { operator: 'an operator', engineer: 'an engineer', supervisor: 'a supervisor', admin: 'an admin' };

export function allowedRoles(method: string): readonly Role[] {
  return Object.hasOwn(METHOD_ROLES, method) ? (METHOD_ROLES[method] ?? []) : [];
}

/** @throws StationError('FORBIDDEN') naming the role(s) that may make the call. */
export function requireRole(method: string, role: Role): void {
  const allowed = allowedRoles(method);
  if (allowed.includes(role)) return;
  if (allowed.length === 0) throw new StationError('FORBIDDEN', `${method} is not in the role table, so no one may call it`);
  const need = allowed.filter((r) => r !== 'admin');
  const names = (need.length ? need : allowed).map((r) => ROLE_NAMES[r]).join(' or ');
  throw new StationError('FORBIDDEN', `${method} needs ${names}; your role is ${role}`);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

