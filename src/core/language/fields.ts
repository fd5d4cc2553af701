/**
 * Where language features get the current list's fields and sample data. The extension implements FieldSource
 * over its cached catalog (never the network per keystroke); the command line builds one from files.
 */

/** A list field as `GET /api/list_fields` returns it (only what the language features use). */
export interface ListField {
  name: string;
  title?: string | null;
  type: 'email' | 'string' | 'numeric' | 'date' | string;
  /** For date fields, the list's date format (`dd/mm/yyyy`, `yyyy-mm-dd hh24:mi`, …). */
  format?: string | null;
  /** The list-level default value. */
  default?: string | number | null;
}

/** One sample contact: field name → value (list fields, `ocx_` fields and dynamic fields alike). */
export interface SampleProfile {
  /** Shown in hover, e.g. "jane@example.com" or "VIP sample". */
  label: string;
  values: Record<string, string | number | boolean | null | undefined>;
}

export interface Disposable {
  dispose(): void;
}

/**
 * The fields in scope for one document (identified by its URI string). Every method is synchronous and cheap:
 * it reads what the implementation already holds.
 */
export interface FieldSource {
  /** The fields of the document's list; undefined when no list is known (unknown-field checks are then skipped). */
  fields(uri: string): readonly ListField[] | undefined;
  /** The active sample profile, if any (hover shows its values; completion offers its keys). */
  sample(uri: string): SampleProfile | undefined;
  /** Transactional dynamic field keys (`message_dynamic_fields`) known for this document. */
  dynamicFields?(uri: string): readonly string[] | undefined;
  /** Whether the email uses Ongage's default unsubscribe link; undefined when unknown. */
  unsubscribeDefaultLink?(uri: string): boolean | undefined;
  /** The HTML of the header and footer templates composed around this email, once known. */
  composedTemplates?(uri: string): readonly string[] | undefined;
  /** Fires when any of the above may have changed. */
  onDidChange(listener: () => void): Disposable;
}

/** A FieldSource that knows no list: completion offers system fields only and unknown-field checks are skipped. */
export const noFieldSource: FieldSource = {
  fields: () => undefined,
  sample: () => undefined,
  onDidChange: () => ({ dispose() {} }),
};

/** A FieldSource over fixed data (tests, the command line). */
export function staticFieldSource(data: {
  fields?: readonly ListField[];
  sample?: SampleProfile;
  dynamicFields?: readonly string[];
  unsubscribeDefaultLink?: boolean;
}): FieldSource {
  return {
    fields: () => data.fields,
    sample: () => data.sample,
    dynamicFields: () => data.dynamicFields,
    unsubscribeDefaultLink: () => data.unsubscribeDefaultLink,
    onDidChange: () => ({ dispose() {} }),
  };
}
