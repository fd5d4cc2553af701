/** Hover text (Markdown) for a position, editor-free. */
import type { Clause, DocumentKind, Tag } from './ast';
import { OPERATORS, dateToken, functionEntry, keywordEntry, systemField, isSystemDate } from './catalog';
import type { ListField, SampleProfile } from './fields';
import { parse, type ParseResult } from './parser';

export interface HoverContext {
  kind: DocumentKind;
  fields?: readonly ListField[];
  dynamicFields?: readonly string[];
  sample?: SampleProfile;
  parsed?: ParseResult;
}

export interface HoverResult {
  start: number;
  end: number;
  markdown: string;
}

const inside = (s: { start: number; end: number }, offset: number): boolean => offset >= s.start && offset <= s.end;

/** The deepest tag whose span holds the offset. */
export function tagAt(parsed: ParseResult, offset: number): Tag | undefined {
  let best: Tag | undefined;
  for (const t of parsed.tags) {
    if (t.start > offset) break;
    if (offset <= t.end && (!best || t.depth >= best.depth)) best = t;
  }
  return best;
}

export function hover(text: string, offset: number, ctx: HoverContext): HoverResult | undefined {
  const parsed = ctx.parsed && ctx.parsed.text === text ? ctx.parsed : parse(text, { kind: ctx.kind });
  const tag = tagAt(parsed, offset);
  if (!tag) return undefined;
  switch (tag.type) {
    case 'field': {
      const fmt = tag.params?.params.find((p) => p.key.text === 'format');
      if (fmt?.value && inside(fmt.value, offset)) return formatHover(fmt.value.text, fmt.value.start, fmt.value.end, offset);
      const fallback = tag.fallback && inside(tag.fallback, offset) ? tag.fallback.text : undefined;
      return { start: tag.name.start, end: tag.name.end, markdown: nameHover(tag.name.text, ctx, tag.fallback?.text, fallback !== undefined) };
    }
    case 'function': {
      if (inside(tag.name, offset) || !tag.argument || !inside(tag.argument, offset)) {
        const f = functionEntry(tag.name.text);
        const md = f ? `**${f.name}** — Ongage function\n\n${f.doc}` : `**${tag.name.text}** — ${tag.name.text.startsWith('ocx_') ? 'an Ongage function not in the documented list' : 'not an Ongage function (functions start with ocx_)'}`;
        return { start: tag.name.start, end: tag.name.end, markdown: md };
      }
      return undefined;
    }
    case 'if':
    case 'elseif': {
      for (const cl of tag.condition?.clauses ?? []) {
        const h = clauseHover(cl, offset, ctx);
        if (h) return h;
      }
      for (const j of tag.condition?.joiners ?? []) {
        if (inside(j, offset)) {
          return { start: j.start, end: j.end, markdown: j.valid ? `**${j.text}** — ${j.text === 'AND' ? 'both conditions must hold' : 'either condition may hold'}.` : `**${j.text}** is not a joiner: Ongage needs upper-case AND / OR.` };
        }
      }
      return keywordHover(tag.keyword.text, tag.keyword.start, tag.keyword.end);
    }
    case 'else':
    case 'endif':
      return keywordHover(tag.keyword.text, tag.keyword.start, tag.keyword.end);
    default:
      return undefined;
  }
}

function keywordHover(name: string, start: number, end: number): HoverResult | undefined {
  const k = keywordEntry(name);
  return k ? { start, end, markdown: `**${k.name}** — ${k.detail}\n\n${k.doc}` } : undefined;
}

function clauseHover(cl: Clause, offset: number, ctx: HoverContext): HoverResult | undefined {
  if (cl.field && inside(cl.field, offset)) return { start: cl.field.start, end: cl.field.end, markdown: nameHover(cl.field.text, ctx) };
  if (cl.operator && inside(cl.operator, offset)) {
    const key = cl.operator.name ? (cl.operator.negated ? (cl.operator.name === '=' ? '!=' : `!${cl.operator.name}`) : cl.operator.name) : undefined;
    const op = OPERATORS.find((o) => o.name === key) ?? OPERATORS.find((o) => o.name === cl.operator!.name);
    const md = op
      ? `**${cl.operator.text}** — ${cl.operator.negated && !OPERATORS.some((o) => o.name === key) ? `not: ${op.detail}` : op.detail}\n\n${op.doc}`
      : `**${cl.operator.text}** is not an Ongage operator.`;
    return { start: cl.operator.start, end: cl.operator.end, markdown: md };
  }
  return undefined;
}

function formatHover(format: string, start: number, end: number, offset: number): HoverResult {
  const ch = format[Math.min(Math.max(offset - start, 0), format.length - 1)];
  const lines = [`**Date format** \`${format}\` (PHP date() letters)`, ''];
  const t = ch ? dateToken(ch) : undefined;
  if (t) lines.push(`\`${t.name}\`: ${t.detail}`, '');
  const used = [...new Set(format.split(''))].map(dateToken).filter((x) => x !== undefined);
  if (used.length) lines.push(used.map((u) => `- \`${u!.name}\` ${u!.detail}`).join('\n'));
  return { start, end, markdown: lines.join('\n') };
}

function nameHover(name: string, ctx: HoverContext, fallback?: string, onFallback = false): string {
  const lines: string[] = [];
  const list = ctx.fields?.find((f) => f.name === name);
  const sampleValue = ctx.sample?.values[name];
  if (list) {
    lines.push(`**${name}**${list.title ? ` — ${list.title}` : ''}`, '', `List field · type \`${list.type}\`${list.type === 'date' && list.format ? ` · format \`${list.format}\`` : ''}`);
    lines.push('', list.default !== null && list.default !== undefined && list.default !== '' ? `List default: \`${list.default}\`` : 'No list default.');
  } else if (name.startsWith('ocx_')) {
    const s = systemField(name);
    lines.push(`**${name}** — ${s ? s.detail : 'Ongage system field'}`, '', s ? s.doc : 'A system field not in the documented list; Ongage fills every ocx_ name it knows. Check the name in Ongage\'s System Fields list.');
    if (!s && isSystemDate(name)) lines.push('', 'A date: takes `[format=…]`.');
  } else if (ctx.dynamicFields?.includes(name)) {
    lines.push(`**${name}** — dynamic field`, '', 'Transactional dynamic field: a key of `message_dynamic_fields` in the send request.');
  } else if (ctx.fields) {
    lines.push(`**${name}**`, '', 'Not a field of this list, a system field or a known dynamic field: it renders empty unless a transactional send supplies it.');
  } else {
    lines.push(`**${name}**`, '', 'Field (no list selected, so its type is unknown).');
  }
  if (fallback !== undefined) lines.push('', `${onFallback ? '**Fallback**' : 'Fallback here'}: \`${fallback}\` (used when ${name} is empty)`);
  if (ctx.sample && !(name.startsWith('ocx_') && (sampleValue === undefined || sampleValue === null))) {
    lines.push('', sampleValue === undefined || sampleValue === null || sampleValue === '' ? `Sample (${ctx.sample.label}): *empty*${fallback !== undefined ? ` → \`${fallback}\`` : ''}` : `Sample (${ctx.sample.label}): \`${String(sampleValue)}\``);
  }
  return lines.join('\n');
}
