import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_COMMANDS } from '../../../lab/cli/command-table';

const REPO = join(__dirname, '..', '..', '..');

/** Runs an entry the way its npm script does (node + tsx loader, from the repo root). */
function run(entry: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, entry), ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lab command line', () => {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('keeps the documented npm scripts, each pointing at a lab command', () => {
    expect(scripts).toMatchObject({
      evaluate: 'tsx lab/cli/main.ts evaluate',
      bench: 'tsx lab/cli/main.ts bench',
      'bench:db': 'tsx lab/cli/main.ts bench-db',
      'demo:generate': 'tsx lab/cli/main.ts demo-generate',
      lab: 'tsx lab/cli/main.ts',
    });
    for (const [name, script] of Object.entries(scripts)) {
      const m = /^tsx lab\/cli\/main\.ts (\S+)$/.exec(script);
      if (m) expect(Object.keys(LAB_COMMANDS), `npm run ${name}`).toContain(m[1]);
      if (/^tsx host\/cli\/main\.ts /.test(script)) expect(Object.keys(LAB_COMMANDS), `npm run ${name} stays a station command`).not.toContain(script.split(' ')[2]);
    }
  });

  it('loads every lab command, each with a one-line summary', async () => {
    for (const [name, load] of Object.entries(LAB_COMMANDS)) {
      const { command } = await load();
      expect(command.summary, name).toMatch(/^\S.*\S$/);
      expect(command.summary, name).not.toContain('\n');
    }
  });

  it('lists the lab commands for --help and resolves evaluate (bad input: one line, exit 2)', () => {
    const help = run('lab/cli/main.ts', ['--help']);
    expect(help.code).toBe(0);
    for (const name of Object.keys(LAB_COMMANDS)) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const evaluate = run('lab/cli/main.ts', ['evaluate', '--dataset', 'nowhere', '--shots', '1']);
    expect(evaluate.code).toBe(2);
    expect(evaluate.stderr).toBe('error: Missing required option --out (the report goes next to it)\n');
  });

  it('has the station command line say where evaluate and bench went', () => {
    const r = run('host/cli/main.ts', ['evaluate', '--out', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Unknown command evaluate\. Use one of: models, recipe, inspect, serve, audit, users, report\n/);
    expect(r.stderr).toContain('npm run evaluate');
    expect(r.stderr).toContain('npm run lab -- --help (lab/cli/main.ts)');
  });
});
