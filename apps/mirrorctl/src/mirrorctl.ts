/**
 * mirrorctl: picks the command from the words given, runs it against the coordinator, and turns
 * every outcome into an exit code scripts can trust (see usage.ts): 0 done, 1 refused by the
 * coordinator, 2 bad command line, 3 unreachable, 4 credential. Errors go to stderr as one line
 * naming the cause and the fix; stdout holds only the result.
 */
import { ControlConnection, isControlCallError } from '@mirrormaker/operator-console';
import { parseCommandLine } from './cli-options';
import type { CliIo, Command, CommandContext } from './command';
import { failbackCommand, failoverCommand } from './commands/failover-commands';
import { flowsCommands } from './commands/flows-commands';
import { instancesCommands } from './commands/instances-commands';
import { refreshCommand } from './commands/refresh-command';
import { statusCommand } from './commands/status-command';
import { translateCommand } from './commands/translate-command';
import { USAGE } from './usage';
import { isUsageError, UsageError } from './usage-error';

const COMMANDS: readonly Command[] = [statusCommand, ...flowsCommands, ...instancesCommands, translateCommand, failoverCommand, failbackCommand, refreshCommand];

function commandFor(positionals: readonly string[]): { command: Command; args: string[] } {
  const command = COMMANDS.find((c) => c.words.every((w, i) => positionals[i] === w));
  if (!command) {
    const known = [...new Set(COMMANDS.map((c) => c.words.join(' ')))].join(', ');
    throw new UsageError(`unknown command '${positionals.join(' ')}': one of ${known}`);
  }
  const args = positionals.slice(command.words.length);
  if (args.length !== command.args.length) {
    const wanted = command.args.map((a) => `<${a}>`).join(' ');
    throw new UsageError(`'${command.words.join(' ')}' takes ${wanted || 'no further arguments'}, got ${args.length === 0 ? 'none' : `'${args.join(' ')}'`}`);
  }
  return { command, args };
}

export async function mirrorctl(argv: readonly string[], io: CliIo): Promise<number> {
  let control: ControlConnection | undefined;
  try {
    const line = parseCommandLine(argv, io.env);
    if (line.values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (line.positionals.length === 0) throw new UsageError('no command given (mirrorctl --help lists them)');
    const { command, args } = commandFor(line.positionals);
    line.only(command.words.join(' '), command.flags);
    const connection = line.connection();
    control = new ControlConnection({ coordinator: connection.coordinator, security: connection.security, tokenSource: connection.tokenSource, deadlineMs: connection.timeoutMs });
    const ctx: CommandContext = {
      line,
      control,
      io,
      json: line.values.json === true,
      now: io.now ?? (() => new Date()),
      print: (lines) => void io.stdout.write(lines.map((l) => `${l}\n`).join('')),
      printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    };
    await command.run(ctx, args);
    return 0;
  } catch (err) {
    if (isUsageError(err) || isControlCallError(err)) {
      io.stderr.write(`mirrorctl: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`mirrorctl: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    control?.close();
  }
}
