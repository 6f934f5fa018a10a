import { z } from 'zod';
import {
  isProcedureName, procedures, type ProcedureName, type ProcedureOutput, type RpcResult,
} from '../../shared/contract/index.ts';
import type { Logger } from '../ports.ts';
import { ChittiError, toErrorShape } from './errors.ts';
import type { Handlers } from './handlers.ts';

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

/** Parses untrusted input with a contract schema; INVALID_INPUT names the failing paths. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, name: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new ChittiError('INVALID_INPUT', `Invalid input for ${name}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Runs one call from a transport and never throws: any failure becomes
 * `{code, message}` (toErrorShape), and unexpected ones are logged with their
 * stack under `what`, since the caller only sees a generic INTERNAL.
 */
export async function settle<T>(logger: Logger, what: string, fields: Record<string, unknown>, run: () => Promise<T>): Promise<RpcResult<T>> {
  try {
    return { ok: true, result: await run() };
  } catch (e) {
    const error = toErrorShape(e);
    if (error.code === 'INTERNAL') logger.error(what, { ...fields, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    return { ok: false, error };
  }
}

/**
 * The one door into the core. Every transport calls this: it checks the name,
 * parses the input with the contract's schema, runs the handler and turns any
 * failure into `{code, message}`. Outputs are parsed too, so a handler can
 * never leak a field the contract does not declare.
 */
export function createDispatch(handlers: Handlers, logger: Logger) {
  function dispatchUnknown(name: string, input: unknown): Promise<RpcResult<unknown>> {
    return settle(logger, 'procedure failed', { procedure: name }, async () => {
      if (!isProcedureName(name)) throw new ChittiError('UNKNOWN_PROCEDURE', `Unknown procedure “${name.slice(0, 80)}”.`);
      const spec = procedures[name];
      const handler = handlers[name] as (i: unknown) => unknown;
      const output = await handler(parseInput(spec.input, input, name));
      const checked = spec.output.safeParse(output);
      if (!checked.success) {
        logger.error('handler output does not match the contract', { procedure: name, issues: describeIssues(checked.error) });
        throw new ChittiError('INTERNAL', `The result of ${name} did not match the contract.`);
      }
      return checked.data;
    });
  }
  const dispatch = <N extends ProcedureName>(name: N, input: unknown) =>
    dispatchUnknown(name, input) as Promise<RpcResult<ProcedureOutput<N>>>;
  return { dispatch, dispatchUnknown };
}
