import { z } from "zod";

export const severities = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof severities)[number];
export const severitySchema = z.enum(severities);

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

export const findingSchema = z.object({
  code: z.string().describe("Stable rule code, like MEM001"),
  severity: severitySchema,
  title: z.string(),
  detail: z.string(),
  evidence: z
    .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
    .describe("The measured numbers behind the finding, named with their units"),
  fix: z.string().describe("The SQL, config, command or code change, ready to apply"),
});
export type Finding = z.infer<typeof findingSchema>;

export const statusSchema = z.enum(["pass", "warn", "fail"]);
export type Status = z.infer<typeof statusSchema>;

export const metricsSchema = z
  .record(z.string(), z.number())
  .describe("Measurements named with their units, like p95_ms or heap_bytes");

/** The fields every tool's report shares; a tool adds its own `details`. */
export const reportBaseSchema = z.object({
  tool: z.string(),
  target: z.string().describe("What was inspected, with any secret removed"),
  status: statusSchema,
  summary: z.string(),
  findings: z.array(findingSchema),
  metrics: metricsSchema,
  duration_ms: z.number(),
});

export function reportSchema<D extends z.ZodType>(details: D) {
  return reportBaseSchema.extend({ details });
}

export interface Report<D = unknown> {
  tool: string;
  target: string;
  status: Status;
  summary: string;
  findings: Finding[];
  metrics: Record<string, number>;
  duration_ms: number;
  details: D;
}

/** A finding at high or above fails the report; anything short of that but above info warns. */
export function statusOf(findings: readonly Finding[]): Status {
  const worst = Math.max(-1, ...findings.map((finding) => severityRank(finding.severity)));
  if (worst >= severityRank("high")) return "fail";
  if (worst >= severityRank("low")) return "warn";
  return "pass";
}

export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const finding of findings) {
    if (worst === undefined || severityRank(finding.severity) > severityRank(worst)) {
      worst = finding.severity;
    }
  }
  return worst;
}
