/** A CLI command: receives argv after its name, returns the process exit code. */
export interface Command {
  /** One line for `--help`. */
  summary: string;
  run(argv: readonly string[]): Promise<number>;
}
