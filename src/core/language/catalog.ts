/**
 * What the language knows by name: system fields, functions, condition keywords, operators and date-format
 * tokens, with the descriptions shown in completion and hover. Drawn from Ongage's help pages (see the
 * "Template language" section of ARCHITECTURE.md); any other `ocx_` name is accepted as a system field.
 */

export interface CatalogEntry {
  name: string;
  /** One line, shown as completion detail. */
  detail: string;
  /** Markdown, shown in hover and completion documentation. */
  doc: string;
  /** True for system fields holding a date (they take `[format=…]`). */
  date?: boolean;
}

export const SYSTEM_FIELDS: readonly CatalogEntry[] = [
  { name: 'ocx_contact_id', detail: 'Contact id', doc: "The contact's universally unique Ongage id." },
  { name: 'ocx_created_date', detail: 'Date added to the list', doc: 'When the contact was first added to the list. A date: format it with `[format=…]`, e.g. `{{ocx_created_date[format=d/m/Y]}}`.', date: true },
  { name: 'ocx_list_id', detail: 'List id', doc: 'The numeric id of the list.' },
  { name: 'ocx_campaign_name', detail: 'Campaign name', doc: 'The campaign name from the campaign setup page.' },
  { name: 'ocx_subject', detail: 'Subject', doc: 'The subject text of the message.' },
  { name: 'ocx_mailing_id', detail: 'Campaign id (CID)', doc: 'The numeric campaign id ("CID").' },
  { name: 'ocx_message_id', detail: 'Message id', doc: 'The numeric id of the email/SMS message (Content → Email/SMS Messages).' },
  { name: 'ocx_segment_id', detail: 'Segment id', doc: 'The first segment id the contact belongs to in this campaign.' },
  { name: 'ocx_all_segments', detail: 'All segment ids', doc: 'All segment ids of the contact for this campaign.' },
  { name: 'ocx_child_id', detail: 'Sub-campaign id', doc: 'The sub-campaign ("chunk") id: Ongage splits campaigns into parts before sending. Send it back with unsubscribes you collect yourself so they count for the right campaign.' },
  { name: 'ocx_connection_id', detail: 'Connection id', doc: 'The ESP/SMTP connection id (My Connections).' },
  { name: 'ocx_esp_id', detail: 'ESP id', doc: "Ongage's id of the sending vendor." },
  { name: 'ocx_from_address', detail: 'From address', doc: 'The From address of the message.' },
  { name: 'ocx_from_address_domain', detail: 'From address domain', doc: 'The domain of the From address.' },
  { name: 'ocx_from_name', detail: 'From name', doc: 'The From name of the message.' },
  { name: 'ocx_reply_address', detail: 'Reply-to address', doc: 'The reply-to address of the message.' },
  { name: 'ocx_import_id', detail: 'Import id', doc: 'The latest import id associated with the contact in this list.' },
  { name: 'ocx_status', detail: 'Contact status', doc: "The contact's status in the list, e.g. `Active`." },
  { name: 'ocx_unsubscribe_date', detail: 'Unsubscribe date', doc: 'When the contact unsubscribed. A date: takes `[format=…]`.', date: true },
  { name: 'ocx_resubscribe_date', detail: 'Resubscribe date', doc: 'When the contact resubscribed. A date: takes `[format=…]`.', date: true },
  { name: 'ocx_bounce_date', detail: 'Bounce date', doc: 'When the contact bounced. A date: takes `[format=…]`.', date: true },
  { name: 'ocx_complaint_date', detail: 'Complaint date', doc: 'When the contact complained. A date: takes `[format=…]`.', date: true },
  { name: 'ocx_email_hash', detail: 'Encoded email', doc: 'The "encoded email", used in conversion-pixel URLs instead of `{{email}}`.' },
  { name: 'ocx_unsubscribe_link', detail: 'Unsubscribe link', doc: "The contact's unsubscribe link, for a custom unsubscribe link: `<a href=\"{{ocx_unsubscribe_link}}\">Unsubscribe</a>`. Needed when the email does not use Ongage's default unsubscribe link." },
  { name: 'ocx_unsubscribe_link_encoded', detail: 'Unsubscribe link, URL-encoded', doc: "The contact's unsubscribe link, encoded for use as a query parameter of your own page: `href=\"https://example.com?ongage_unsubscribe_link={{ocx_unsubscribe_link_encoded}}\"`." },
  { name: 'ocx_custom_hash', detail: 'Custom hash', doc: 'The hash computed by `{{ocx_generate_hash{…}}}`; typically the value of a custom header.' },
  { name: 'ocx_now', detail: 'Current date and time', doc: 'The send date and time. A date: takes `[format=…]`, e.g. `{{ocx_now[format=Y]}}`.', date: true },
];

export const FUNCTIONS: readonly (CatalogEntry & { snippet: string })[] = [
  { name: 'ocx_url_encode', detail: 'URL-encode a literal', doc: 'URL-encodes a literal text: `{{ocx_url_encode{https://example.com/options}}}`. Not needed around fields, whose values are already URL-encoded in links.', snippet: 'ocx_url_encode{${1:text}}' },
  { name: 'ocx_generate_hash', detail: 'Compute a hash', doc: 'Computes a hash read back by `{{ocx_custom_hash}}`: `{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}` (note the backslash before the nested tag). Put it on the first line of the body.', snippet: 'ocx_generate_hash{algo=${1:md5},data=\\\\{{${2:email}}}}' },
  { name: 'ocx_feed_html', detail: 'Static HTML feed', doc: 'Fetches the URL once before launch and inserts its HTML for every recipient: `{{ocx_feed_html{url=https://…}}}`. The URL may not contain list fields.', snippet: 'ocx_feed_html{url=${1:https://}}' },
  { name: 'ocx_feed', detail: 'Transactional injection feed', doc: 'Inserts the XML feed passed in `message_dynamic_fields`: `{{ocx_feed{param=dynamic_feed}}}`. The parameter name must match the API request exactly, case included.', snippet: 'ocx_feed{param=${1:dynamic_feed}}' },
];

export const KEYWORDS: readonly CatalogEntry[] = [
  { name: 'ocx_if', detail: 'Condition', doc: 'Starts a conditional block: `{{ocx_if field = value}} … {{ocx_endif}}`. Operators: `= != > < >= <=`, `contains`, `begins_with`, `ends_with` (each negatable with `!`), `is empty`, `is null`; join clauses with upper-case `AND` / `OR`. In a subject line write the condition without spaces.' },
  { name: 'ocx_elseif', detail: 'Else-if branch', doc: 'Another condition of an `ocx_if` block, tested when the earlier ones are false: `{{ocx_elseif field = value}}`.' },
  { name: 'ocx_else', detail: 'Else branch', doc: 'The branch of an `ocx_if` block used when no condition holds.' },
  { name: 'ocx_endif', detail: 'End of condition', doc: 'Closes an `ocx_if` block.' },
];

export const OPERATORS: readonly CatalogEntry[] = [
  { name: '=', detail: 'equals', doc: 'True when the field equals the value.' },
  { name: '!=', detail: 'does not equal', doc: 'True when the field differs from the value.' },
  { name: '>', detail: 'greater than', doc: 'True when the field is greater than the value. For a date field write the date in the field\'s own format.' },
  { name: '<', detail: 'less than', doc: 'True when the field is less than the value.' },
  { name: '>=', detail: 'greater than or equal', doc: 'True when the field is greater than or equal to the value.' },
  { name: '<=', detail: 'less than or equal', doc: 'True when the field is less than or equal to the value.' },
  { name: 'contains', detail: 'contains', doc: 'True when the field contains the value. `!contains` negates it.' },
  { name: '!contains', detail: 'does not contain', doc: 'True when the field does not contain the value.' },
  { name: 'begins_with', detail: 'begins with', doc: 'True when the field begins with the value. `!begins_with` negates it.' },
  { name: '!begins_with', detail: 'does not begin with', doc: 'True when the field does not begin with the value.' },
  { name: 'ends_with', detail: 'ends with', doc: 'True when the field ends with the value. `!ends_with` negates it.' },
  { name: '!ends_with', detail: 'does not end with', doc: 'True when the field does not end with the value.' },
  { name: 'is empty', detail: 'is empty', doc: 'True when the field has no value. Takes no value.' },
  { name: '!is empty', detail: 'is not empty', doc: 'True when the field has a value. Takes no value.' },
  { name: 'is null', detail: 'is null', doc: 'True when the field has no value. Takes no value.' },
];

/** PHP `date()` format characters; Ongage's `[format=…]` uses them. */
export const DATE_TOKENS: readonly CatalogEntry[] = [
  { name: 'd', detail: 'Day of month, 2 digits (01–31)', doc: 'Day of the month with a leading zero: `01` to `31`.' },
  { name: 'D', detail: 'Day name, 3 letters (Mon–Sun)', doc: 'Three-letter day name: `Mon` to `Sun`.' },
  { name: 'j', detail: 'Day of month (1–31)', doc: 'Day of the month without a leading zero: `1` to `31`.' },
  { name: 'l', detail: 'Full day name (Sunday–Saturday)', doc: 'Full day name (lower-case L): `Sunday` to `Saturday`.' },
  { name: 'N', detail: 'ISO-8601 weekday (1 = Monday … 7 = Sunday)', doc: 'ISO-8601 day of the week: `1` (Monday) to `7` (Sunday).' },
  { name: 'S', detail: 'English ordinal suffix (st, nd, rd, th)', doc: 'English ordinal suffix of the day; use with `j`: `jS` → `1st`.' },
  { name: 'w', detail: 'Weekday (0 = Sunday … 6 = Saturday)', doc: 'Day of the week: `0` (Sunday) to `6` (Saturday).' },
  { name: 'z', detail: 'Day of the year (0–365)', doc: 'Day of the year, starting at 0.' },
  { name: 'W', detail: 'ISO-8601 week number', doc: 'ISO-8601 week number of the year.' },
  { name: 'F', detail: 'Full month name (January–December)', doc: 'Full month name: `January` to `December`.' },
  { name: 'm', detail: 'Month, 2 digits (01–12)', doc: 'Month with a leading zero: `01` to `12`.' },
  { name: 'M', detail: 'Month name, 3 letters (Jan–Dec)', doc: 'Three-letter month name: `Jan` to `Dec`.' },
  { name: 'n', detail: 'Month (1–12)', doc: 'Month without a leading zero: `1` to `12`.' },
  { name: 't', detail: 'Days in the month (28–31)', doc: 'Number of days in the month.' },
  { name: 'L', detail: 'Leap year (1 or 0)', doc: '`1` in a leap year, else `0`.' },
  { name: 'Y', detail: 'Year, 4 digits', doc: 'Full year: `2025`.' },
  { name: 'y', detail: 'Year, 2 digits', doc: 'Two-digit year: `25`.' },
  { name: 'a', detail: 'am / pm', doc: 'Lower-case `am` or `pm`.' },
  { name: 'A', detail: 'AM / PM', doc: 'Upper-case `AM` or `PM`.' },
  { name: 'g', detail: 'Hour, 12-hour (1–12)', doc: '12-hour hour without a leading zero.' },
  { name: 'G', detail: 'Hour, 24-hour (0–23)', doc: '24-hour hour without a leading zero.' },
  { name: 'h', detail: 'Hour, 12-hour, 2 digits (01–12)', doc: '12-hour hour with a leading zero.' },
  { name: 'H', detail: 'Hour, 24-hour, 2 digits (00–23)', doc: '24-hour hour with a leading zero.' },
  { name: 'i', detail: 'Minutes (00–59)', doc: 'Minutes with a leading zero.' },
  { name: 's', detail: 'Seconds (00–59)', doc: 'Seconds with a leading zero.' },
];

/** Whole formats offered after `format=`. */
export const DATE_FORMAT_PRESETS: readonly { format: string; example: string }[] = [
  { format: 'd/m/Y', example: '31/12/2025' },
  { format: 'm/d/Y', example: '12/31/2025' },
  { format: 'Y-m-d', example: '2025-12-31' },
  { format: 'j F Y', example: '31 December 2025' },
  { format: 'F j, Y', example: 'December 31, 2025' },
  { format: 'M j', example: 'Dec 31' },
  { format: 'l, F jS', example: 'Wednesday, December 31st' },
  { format: 'Y', example: '2025' },
];

const SYSTEM_BY_NAME = new Map(SYSTEM_FIELDS.map((e) => [e.name, e]));
const FUNCTION_BY_NAME = new Map(FUNCTIONS.map((e) => [e.name, e]));
const KEYWORD_BY_NAME = new Map(KEYWORDS.map((e) => [e.name, e]));

export function systemField(name: string): CatalogEntry | undefined {
  return SYSTEM_BY_NAME.get(name);
}
export function functionEntry(name: string): (CatalogEntry & { snippet: string }) | undefined {
  return FUNCTION_BY_NAME.get(name);
}
export function keywordEntry(name: string): CatalogEntry | undefined {
  return KEYWORD_BY_NAME.get(name);
}
export function dateToken(ch: string): CatalogEntry | undefined {
  return DATE_TOKENS.find((t) => t.name === ch);
}
/** Any `ocx_` name is a system name (lenient: the wiki's list is incomplete). */
export function isSystemName(name: string): boolean {
  return name.startsWith('ocx_');
}
/** Whether a system name holds a date: a known date field, or an `ocx_…_date` name. */
export function isSystemDate(name: string): boolean {
  const e = SYSTEM_BY_NAME.get(name);
  return e ? e.date === true : /^ocx_\w*date$/.test(name);
}
