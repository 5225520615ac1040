import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ApiParams, RoleName, type UserInfo } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { globalOptions, parseArgs, requireString, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { writeJsonOut } from '../output';
import { CLI_USER, openCliStation } from '../station-for-cli';

const USAGE = 'Usage: users add --name N --role operator|engineer|supervisor|admin [--password-file F] [--pin-file F] | users list';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new StationError('INVALID_INPUT', 'Pipe the password on stdin or pass --password-file F');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One line: the trailing newline of `echo` or a file is not part of the secret. */
function firstLine(text: string): string {
  return text.replace(/\r?\n.*$/s, '');
}

/** Validates every option and reads the secrets before anything is opened. */
async function addInput(args: ParsedArgs) {
  const role = RoleName.safeParse(requireString(args, 'role'));
  if (!role.success) throw new StationError('INVALID_INPUT', `Invalid --role ${args.strings.get('role')}. Use one of: ${RoleName.options.join(', ')}`);
  const name = requireString(args, 'name');
  const passwordFile = args.strings.get('password-file');
  const password = firstLine(passwordFile ? await readFile(passwordFile, 'utf8') : await readStdin());
  const pinFile = args.strings.get('pin-file');
  const pin = pinFile ? firstLine(await readFile(pinFile, 'utf8')) : undefined;
  const input = ApiParams['users.add'].safeParse({ name, role: role.data, password, ...(pin === undefined ? {} : { pin }) });
  if (!input.success) throw new StationError('INVALID_INPUT', input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return input.data;
}

/**
 * `users add`: the first-run bootstrap of an admin (and any later account) from the command line;
 * secrets come from stdin or a file, never from argv (visible in `ps` and shell history).
 * `users list`: names, roles and which credentials are set.
 */
export const command: Command = {
  summary: 'add station users (first-run admin bootstrap) and list them',
  async run(argv) {
    const args = parseArgs(argv, { name: { type: 'string' }, role: { type: 'string' }, 'password-file': { type: 'string' }, 'pin-file': { type: 'string' } });
    const options = globalOptions(args);
    const [action, ...extra] = args.positionals;
    if (extra.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${extra[0]}. ${USAGE}`);
    if (action !== 'add' && action !== 'list') throw new StationError('INVALID_INPUT', `Unknown users action ${action ?? '(none)'}. ${USAGE}`);
    const input = action === 'add' ? await addInput(args) : null;
    // First run: the data dir may not exist yet (the admin is created before anything else); the
    // station makes it. No dialog model is loaded: accounts need none.
    const station = await openCliStation(options, { lmmDir: null });
    try {
      if (input === null) {
        const users = (await station.call('users.list', {}, { user: CLI_USER })) as UserInfo[];
        for (const u of users) process.stdout.write(`${u.name}\t${u.role}\t${u.hasPassword ? 'password' : '-'}\t${u.hasPin ? 'pin' : '-'}\n`);
        await writeJsonOut(options.out, users);
        return 0;
      }
      const user = (await station.call('users.add', input, { user: `${CLI_USER}:${userInfo().username}` })) as UserInfo;
      process.stdout.write(`Added ${user.name} (${user.role})${user.hasPin ? ' with a PIN' : ''}\n`);
      await writeJsonOut(options.out, user);
      return 0;
    } finally {
      await station.close();
    }
  },
};
