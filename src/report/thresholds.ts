// `kbench compare --fail-on "p99>+10%,maxMeanRatio>+0.2"`: thresholds that turn a comparison into a
// pass or fail for CI. Latency rules are judged on the distributions: the percentile must cross the
// threshold *and* the two HDR histograms must differ (Kolmogorov–Smirnov at the 1% level), so one
// noisy tail sample does not fail a build.
import { compareDistributions, type DistributionShift } from '../analysis/distribution.js';
import { parseList } from '../config/units.js';
import { ERROR_CODES, shown, usageError } from '../errors.js';

const MAX_RULES = 64;
import type { PhaseReport, RunReport } from './schema.js';

export interface Rule {
  text: string;
  metric: string;
  /** '>' fails when the value rises by more than the threshold, '<' when it falls by more. */
  op: '>' | '<';
  threshold: number;
  relative: boolean;
}

const LATENCY = /^(?:(produce|endToEnd)\.)?(p50|p90|p99|p999|max|mean)$/;

const PLAIN: Record<string, (p: PhaseReport) => number> = {
  maxMeanRatio: (p) => p.skew.maxMeanRatio,
  cv: (p) => p.skew.cv,
  gini: (p) => p.skew.gini,
  hottestShare: (p) => p.skew.hottestShare,
  emptyPartitions: (p) => p.skew.emptyPartitions,
  achievedPerSec: (p) => p.throughput.achievedPerSec,
  consumedPerSec: (p) => p.throughput.consumedPerSec,
  violations: (p) => p.ordering.violations,
  keysAffected: (p) => p.ordering.keysAffected,
  skipped: (p) => p.delivery.skipped,
  maxConsumerLag: (p) => Math.max(0, ...p.consumers.map((c) => c.maxLag)),
};

/** `label` names where the rules came from (`--fail-on`, `KBENCH_FAIL_ON`); every bad rule is reported. */
export function parseFailOn(text: string, label = '--fail-on'): Rule[] {
  return parseList(text, label, MAX_RULES, (part) => {
    const m = /^([A-Za-z][\w.]*)\s*([<>])\s*([+-]?\d+(?:\.\d+)?)(%?)$/.exec(part);
    if (!m) throw usageError(`${label} rule ${shown(part)} is not <metric><op><threshold>, e.g. p99>+10% or maxMeanRatio>+0.2`, ERROR_CODES.badOption);
    const metric = m[1];
    if (!LATENCY.test(metric) && !Object.hasOwn(PLAIN, metric)) {
      throw usageError(`${label}: unknown metric ${shown(metric)}; use p50|p90|p99|p999|max|mean (end-to-end, or produce.p99 …) or ${Object.keys(PLAIN).join(', ')}`, ERROR_CODES.badOption);
    }
    return { text: part, metric, op: m[2] as '>' | '<', threshold: Number(m[3]) / (m[4] ? 100 : 1), relative: m[4] === '%' };
  });
}

export interface RuleCheck {
  rule: string;
  phase: string;
  report: string;
  base: number;
  current: number;
  change: number;
  failed: boolean;
  distribution?: DistributionShift;
}

function latencyOf(p: PhaseReport, metric: string): { value: number; histogram: string } {
  const [, which = 'endToEnd', stat] = LATENCY.exec(metric)!;
  const kind = which as 'produce' | 'endToEnd';
  return { value: p.latency[kind][stat as keyof PhaseReport['latency']['produce']], histogram: p.histograms[kind] };
}

export function checkRules(rules: Rule[], entries: { path: string; report: RunReport }[]): RuleCheck[] {
  const [base, ...others] = entries;
  const checks: RuleCheck[] = [];
  for (const other of others) {
    for (const bp of base.report.phases) {
      const cp = other.report.phases.find((p) => p.name === bp.name);
      if (!cp) continue;
      for (const rule of rules) {
        const latency = LATENCY.test(rule.metric);
        const b = latency ? latencyOf(bp, rule.metric).value : PLAIN[rule.metric](bp);
        const c = latency ? latencyOf(cp, rule.metric).value : PLAIN[rule.metric](cp);
        const change = rule.relative ? (b === 0 ? (c === 0 ? 0 : Infinity * Math.sign(c)) : (c - b) / Math.abs(b)) : c - b;
        let crossed = rule.op === '>' ? change > rule.threshold : change < rule.threshold;
        let distribution: DistributionShift | undefined;
        if (latency) {
          distribution = compareDistributions(latencyOf(bp, rule.metric).histogram, latencyOf(cp, rule.metric).histogram);
          crossed = crossed && distribution.differ;
        }
        checks.push({ rule: rule.text, phase: bp.name, report: other.path, base: b, current: c, change, failed: crossed, distribution });
      }
    }
  }
  return checks;
}

export function renderChecks(checks: RuleCheck[]): string {
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(Math.round(x * 1e4) / 1e4));
  return checks.map((c) => {
    const change = Number.isFinite(c.change) ? (Math.abs(c.change) < 10 && !Number.isInteger(c.change) ? fmt(c.change) : fmt(c.change)) : '∞';
    const dist = c.distribution ? `; distributions ${c.distribution.differ ? 'differ' : 'do not differ'} (KS D=${c.distribution.ks}, 1% critical ${c.distribution.critical})` : '';
    return `${c.failed ? 'FAIL' : 'ok  '} ${c.rule} [${c.phase}] ${c.report}: ${fmt(c.base)} → ${fmt(c.current)} (change ${change})${dist}`;
  }).join('\n') + '\n';
}
