/**
 * The gate's result as JUnit XML (the format CI systems show as test results): one <testsuite>, one <testcase> per
 * compared metric and model (classname gate.<model>, name <metric key>; suite scalars have keys
 * 'suites.<suite>.<key>' and their label in the messages), <failure> for a regression and <skipped> for a metric that
 * is not gated.
 */
import type { GateResult } from './compare.js';
import { escapeXmlText } from '../util/escape.js';
import { describeTolerance, formatGateDelta, formatGateValue, gateMetricName } from './format.js';

export { escapeXmlText } from '../util/escape.js';

export function gateJUnitXml(result: GateResult, options: { baseline: string; scorecard: string; timestamp?: Date }): string {
  const a = (s: string | number) => escapeXmlText(String(s));
  const failures = result.regressions.length;
  const skipped = result.rows.filter((r) => r.status === 'ignored').length;
  const tests = result.rows.length;
  const ts = (options.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, '');
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="topk-harness check" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="topk-harness regression gate" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${ts}">`,
    '    <properties>',
    `      <property name="baseline" value="${a(options.baseline)}"/>`,
    `      <property name="scorecard" value="${a(options.scorecard)}"/>`,
    '    </properties>',
  ];
  for (const r of result.rows) {
    const open = `    <testcase classname="${a(`gate.${r.model}`)}" name="${a(r.metric.key)}" time="0">`;
    const detail = `${r.metric.label} (${r.model}): baseline ${formatGateValue(r.baseline, r)}, current ${formatGateValue(r.current, r)}, delta ${formatGateDelta(r.delta, r)}, tolerance ${describeTolerance(r)}`;
    if (r.status === 'regressed') {
      out.push(open, `      <failure type="regression" message="${a(`${gateMetricName(r)} of ${r.model} ${r.reason}`)}">${a(detail)}</failure>`, '    </testcase>');
    } else if (r.status === 'ignored') {
      out.push(open, `      <skipped message="${a(`not gated (${describeTolerance(r)})`)}"/>`, '    </testcase>');
    } else {
      out.push(open, `      <system-out>${a(`${r.status}: ${r.reason}. ${detail}`)}</system-out>`, '    </testcase>');
    }
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
