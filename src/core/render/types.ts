/** The renderer's public shapes (the live preview, the command line and tests call it with these). */
import type { ListField } from '../language/fields';

export interface RenderInput {
  /** The email's own HTML as written (with Ongage tags). */
  html: string;
  /** The header template's content_html: composed right after `<body>` (after a hidden preheader that opens the body). */
  header?: string | null;
  /** The footer template's content_html: composed right before the last `</body>`. */
  footer?: string | null;
  subject?: string;
  preheader?: string;
  /** The plain-text part (content_text), rendered into `RenderResult.text` when given. */
  text?: string | null;
}

export type RenderValue = string | number | boolean | null | undefined;

export interface RenderOptions {
  /** The sample profile: list fields, `ocx_` system fields, transactional dynamic fields. */
  values: Record<string, RenderValue>;
  /** The list's fields (types, date formats, list defaults). */
  fields?: readonly ListField[];
  /** Default true: inline `<style>` rules as recipients get them (juice), keeping media queries in `<style>`. */
  inlineCss?: boolean;
  /** The send time for `ocx_now` (deterministic in tests); default: the current time. */
  now?: Date;
}

export type RenderPart = 'html' | 'header' | 'footer' | 'subject' | 'preheader';

/** Something the preview cannot show as recipients will see it, with the span (offsets in `part`) it is about. */
export interface RenderNote {
  message: string;
  start: number;
  end: number;
  part: RenderPart;
  /** A fix the editor can apply: insert `text` at offset `at` of `part`. */
  fix?: { at: number; text: string; title: string };
}

export interface RenderResult {
  /** The composed, inlined and evaluated HTML. */
  html: string;
  /** Plain text (not HTML-escaped). */
  subject: string;
  /** Plain text (not HTML-escaped). */
  preheader: string;
  notes: RenderNote[];
  /** The plain-text part rendered (when the input had one); plain text. */
  text?: string;
}
