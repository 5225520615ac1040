import type { Handlers } from '../api-dispatch';
import type { AccountService } from './account-service';

type AccountMethods = 'auth.login' | 'auth.pin' | 'auth.logout' | 'auth.whoami' | 'preferences.setLanguage' | 'users.list' | 'users.add';

/** The sign-in and user channels of common/api.ts; the dispatcher has already checked the role. */
export function accountHandlers(accounts: AccountService): Pick<Handlers, AccountMethods> {
  return {
    'auth.login': (p) => accounts.login(p.name, p.password),
    'auth.pin': (p) => accounts.pin(p.name, p.pin),
    'auth.logout': async (_p, ctx) => accounts.logout(ctx.session),
    'auth.whoami': async (_p, ctx) => accounts.whoami(ctx),
    'preferences.setLanguage': async (p, ctx) => accounts.setLanguage(ctx, p.language),
    'users.list': async () => accounts.list(),
    'users.add': (p, ctx) => accounts.add(ctx.user, p),
  };
}
