/**
 * The whole preview of an email for one sample contact: header + body + footer composed on the template, CSS
 * inlined on the template (tags protected), then the language evaluated. Notes point into the part the user
 * edits (the email's HTML, the header or footer template, the subject or the pre-header). Never throws.
 */
import { parse, type ParseResult } from '../language/parser';
import { composeMapped, sourceOf } from './compose';
import { evaluateParsed, type EvaluateNote, type EvaluationState } from './evaluate';
import { conditionalStyleConflicts } from './conflicts';
import { inlineTemplate } from './inline';
import type { RenderInput, RenderNote, RenderOptions, RenderResult } from './types';
import { spanIndexAt } from './spans';

const text = (s: unknown): string => (typeof s === 'string' ? s : '');

export function renderEmail(input: RenderInput, options: RenderOptions): RenderResult {
  const html = text(input?.html);
  try {
    return render(input, options ?? { values: {} });
  } catch (e) {
    return {
      html,
      subject: text(input?.subject),
      preheader: text(input?.preheader),
      notes: [{ message: `The preview could not render this email (${e instanceof Error ? e.message : String(e)}); it is shown as written.`, start: 0, end: 0, part: 'html' }],
    };
  }
}

function render(input: RenderInput, options: RenderOptions): RenderResult {
  const notes: RenderNote[] = [];
  const state: EvaluationState = { customHash: '' };

  const subject = evaluateParsed(parse(text(input.subject), { kind: 'subject' }), options, { state });
  for (const n of subject.notes) notes.push({ ...n, part: 'subject' });
  const derived = { ocx_subject: subject.output };
  const preheader = evaluateParsed(parse(text(input.preheader), { kind: 'text' }), options, { state, derived });
  for (const n of preheader.notes) notes.push({ ...n, part: 'preheader' });

  const composed = composeMapped(text(input.html), input.header, input.footer);
  const template = parse(composed.html, { kind: 'html' });
  let doc = template;
  if (options.inlineCss !== false) {
    const inlined = inlineTemplate(composed.html, template);
    doc = inlined.parsed;
    if (inlined.inlined) {
      for (const c of conditionalStyleConflicts(composed.html, template, inlined.html, inlined.parsed)) {
        const where = sourceOf(composed.segments, c.start);
        const fixAt = sourceOf(composed.segments, c.fixAt);
        if (!where || !fixAt) continue;
        notes.push({
          message: `"${c.selector} { ${c.property} }" inside {{ocx_if}} stays in <style>, and the inlined style="${c.property}: …" on ${c.element} wins over it: recipients the condition holds for never see it. Add !important to the declaration.`,
          start: where.offset,
          end: where.offset + (c.end - c.start),
          part: where.part,
          fix: { at: fixAt.offset, text: ' !important', title: 'Add !important' },
        });
      }
    } else {
      notes.push({ message: `The CSS could not be inlined (${inlined.problem ?? 'unknown reason'}); the preview shows the <style> blocks as written.`, start: 0, end: 0, part: 'html' });
    }
  }
  const body = evaluateParsed(doc, options, { state, derived });
  const toTemplate = doc === template ? (o: number) => o : tagMapper(doc, template);
  for (const n of body.notes) notes.push(place(n, toTemplate, composed.segments));
  const result: RenderResult = { html: body.output, subject: subject.output, preheader: preheader.output, notes };
  if (typeof input.text === 'string') result.text = evaluateParsed(parse(input.text, { kind: 'text' }), options, { state, derived }).output;
  return result;
}

/** Offsets of the inlined document → offsets of the template, through the tag each offset falls in. */
function tagMapper(doc: ParseResult, template: ParseResult): (offset: number) => number | undefined {
  const out = doc.tags.filter((t) => t.depth === 0);
  const src = template.tags.filter((t) => t.depth === 0);
  return (offset) => {
    const i = spanIndexAt(out, offset);
    return i >= 0 && src[i] ? src[i].start + (offset - out[i].start) : undefined;
  };
}

function place(n: EvaluateNote, toTemplate: (o: number) => number | undefined, segments: Parameters<typeof sourceOf>[0]): RenderNote {
  const at = toTemplate(n.start);
  const where = at === undefined ? undefined : sourceOf(segments, at);
  if (!where) return { message: n.message, start: 0, end: 0, part: 'html' };
  return { message: n.message, start: where.offset, end: where.offset + Math.max(0, n.end - n.start), part: where.part };
}
