export interface Counts {
  passed: number;
  failed: number;
}
export function vitestCounts(report: unknown, exitStatus: number): Counts;
export function playwrightCounts(report: unknown, exitStatus: number): Counts;
export function runVitest(root: string): Counts;
export function runPlaywright(root: string): Counts;
