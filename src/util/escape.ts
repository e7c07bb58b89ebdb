/**
 * The one escaper for markup the harness writes: SVG, HTML and XML (text and attribute values). `&apos;` is valid
 * in all three (HTML5 included).
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escape text for XML/SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** escapeXml, after dropping the characters XML 1.0 cannot hold at all (control characters, lone surrogates). */
export function escapeXmlText(s: string): string {
  return escapeXml(s.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, ''));
}
