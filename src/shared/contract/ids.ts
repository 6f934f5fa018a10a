import { z } from 'zod';

/** Ids are a short type prefix plus 20 Crockford base32 characters (100 random bits). */
const idPattern = (prefix: string) => new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{20}$`);

export const JobIdSchema = z.string().regex(idPattern('job'), 'expected a job id like job_…');
export const AssetIdSchema = z.string().regex(idPattern('ast'), 'expected an asset id like ast_…');
export const TaskIdSchema = z.string().regex(idPattern('tsk'), 'expected a task id like tsk_…');
export const AnalysisIdSchema = z.string().regex(idPattern('ana'), 'expected an analysis id like ana_…');
export const FindingIdSchema = z.string().regex(idPattern('fnd'), 'expected a finding id like fnd_…');
export const DecisionIdSchema = z.string().regex(idPattern('dec'), 'expected a decision id like dec_…');

export type JobId = z.infer<typeof JobIdSchema>;
export type AssetId = z.infer<typeof AssetIdSchema>;
export type TaskId = z.infer<typeof TaskIdSchema>;
export type AnalysisId = z.infer<typeof AnalysisIdSchema>;
export type FindingId = z.infer<typeof FindingIdSchema>;
export type DecisionId = z.infer<typeof DecisionIdSchema>;
