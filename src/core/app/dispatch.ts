import { z } from 'zod';
import {
  isProcedureName, procedures, type ProcedureName, type ProcedureOutput, type RpcResult,
} from '../../shared/contract/index.ts';
import type { Logger } from '../ports.ts';
import { ChittiError, toErrorShape } from './errors.ts';
import type { Handlers } from './handlers.ts';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

/**
 * The one door into the core. Every transport calls this: it checks the name,
 * parses the input with the contract's schema, runs the handler and turns any
 * failure into `{code, message}`. Outputs are parsed too, so a handler can
 * never leak a field the contract does not declare.
 */
export function createDispatch(handlers: Handlers, logger: Logger) {
  async function dispatchUnknown(name: string, input: unknown): Promise<RpcResult<unknown>> {
    try {
      if (!isProcedureName(name)) throw new ChittiError('UNKNOWN_PROCEDURE', `Unknown procedure “${name.slice(0, 80)}”.`);
      const spec = procedures[name];
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) throw new ChittiError('INVALID_INPUT', `Invalid input for ${name}: ${describeIssues(parsed.error)}`);
      const handler = handlers[name] as (i: unknown) => unknown;
      const output = await handler(parsed.data);
      const checked = spec.output.safeParse(output);
      if (!checked.success) {
        logger.error('handler output does not match the contract', { procedure: name, issues: describeIssues(checked.error) });
        throw new ChittiError('INTERNAL', `The result of ${name} did not match the contract.`);
      }
      return { ok: true, result: checked.data };
    } catch (e) {
      const error = toErrorShape(e);
      if (error.code === 'INTERNAL') logger.error('procedure failed', { procedure: name, error: e instanceof Error ? e.stack ?? e.message : String(e) });
      return { ok: false, error };
    }
  }
  const dispatch = <N extends ProcedureName>(name: N, input: unknown) =>
    dispatchUnknown(name, input) as Promise<RpcResult<ProcedureOutput<N>>>;
  return { dispatch, dispatchUnknown };
}
