/**
 * The sandbox's seed: a small outdoor-goods shop ("Harbor & Pine") with two lists, their fields and contacts,
 * a library of folders, emails and templates (responsive HTML written for the sandbox), header and footer
 * templates, transactional campaigns, ESP connections, segments and tags. Deterministic: the same ids and
 * timestamps every time, so tests can name them (see SEED_IDS and sandbox/README.md).
 */
import { createHash } from 'crypto';
import {
  Address,
  CAMPAIGN_STATUS,
  ContactRec,
  ContactStatus,
  EmailRec,
  FieldRec,
  FieldType,
  ItemType,
  StateData,
  emailRecord,
} from './model';

export const ACCOUNT_ID = 18234;
export const NEWSLETTER_LIST = 10542;
export const TRANSACTIONAL_LIST = 10543;
const T0 = 1717420800; // 2024-06-03, the account's creation in the seed story

const BRAND = {
  name: 'Harbor &amp; Pine',
  site: 'https://www.harborandpine.example',
  color: '#1f6f5c',
  address: 'Harbor &amp; Pine, 41 Quay Street, Portland, ME 04101',
};

const CONN = { transactional: 7101, marketing: 7102, inactive: 7103 };

const BASE_CSS = `body{margin:0;padding:0;background:#f3f4f1;-webkit-text-size-adjust:100%}
table{border-collapse:collapse;mso-table-lspace:0;mso-table-rspace:0}
img{border:0;line-height:100%;outline:none;text-decoration:none;-ms-interpolation-mode:bicubic}
.wrapper{width:100%;background:#f3f4f1}
.container{width:600px;max-width:600px;background:#ffffff}
.pad{padding:28px 40px}
.h1{font:bold 26px/32px Georgia,serif;color:#14231f;margin:0 0 12px}
.p{font:16px/24px Helvetica,Arial,sans-serif;color:#33403c;margin:0 0 16px}
.btn{background:ACCENT;border-radius:4px}
.btn a{display:inline-block;padding:12px 26px;font:bold 15px Helvetica,Arial,sans-serif;color:#ffffff;text-decoration:none}
.muted{font:12px/18px Helvetica,Arial,sans-serif;color:#7a8581}
.preheader{display:none!important;visibility:hidden;mso-hide:all;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden}
@media only screen and (max-width:620px){.container{width:100%!important}.col{display:block!important;width:100%!important}.pad{padding:20px!important}.h1{font-size:22px!important;line-height:28px!important}}`;

function doc(title: string, preheader: string, rows: string, accent = BRAND.color): string {
  return `<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${title}</title>
<style>
${BASE_CSS.replace('ACCENT', accent)}
</style>
</head>
<body>
<span class="preheader">${preheader}</span>
<table role="presentation" class="wrapper" width="100%" cellpadding="0" cellspacing="0">
<tr><td align="center" style="padding:24px 0">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0">
${rows}
</table>
</td></tr>
</table>
</body>
</html>
`;
}

const brandBar = (accent = BRAND.color): string => `<tr><td style="background:${accent};padding:18px 40px" class="pad">
<a href="${BRAND.site}/?utm_source=email&amp;utm_medium={{ocx_mailing_id}}" style="font:bold 20px Georgia,serif;color:#ffffff;text-decoration:none">${BRAND.name}</a>
</td></tr>`;

const footerRow = (ownUnsubscribe: boolean): string => `<tr><td class="pad muted" style="background:#f8f9f6">
<p class="muted">You receive this email as a member of the ${BRAND.name} list{{ocx_if city !is empty}} in {{city}}{{ocx_endif}}.</p>
<p class="muted">${BRAND.address}</p>
${ownUnsubscribe ? '<p class="muted"><a href="{{ocx_unsubscribe_link}}" style="color:#7a8581">Unsubscribe</a> &middot; <a href="' + BRAND.site + '/preferences?e={{ocx_email_hash}}" style="color:#7a8581">Email preferences</a></p>' : ''}
<img src="${BRAND.site}/px.gif?m={{ocx_mailing_id}}&amp;c={{ocx_contact_id}}" width="1" height="1" alt="">
</td></tr>`;

const para = (text: string): string => `<p class="p">${text}</p>`;
const button = (label: string, href: string): string =>
  `<table role="presentation" cellpadding="0" cellspacing="0"><tr><td class="btn"><a href="${href}">${label}</a></td></tr></table>`;

const twoProducts = (a: [string, string], b: [string, string], campaign: string): string => `<tr><td class="pad" style="padding-top:0">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>
<td class="col" width="50%" valign="top" style="padding:8px">
<img src="${BRAND.site}/img/${a[0].toLowerCase().replace(/[^a-z]+/g, '-')}.jpg" width="252" alt="${a[0]}" style="width:100%;max-width:252px">
<p class="p"><strong>${a[0]}</strong><br>${a[1]}</p>
<a href="${BRAND.site}/shop?item=${encodeURIComponent(a[0])}&amp;utm_campaign=${campaign}&amp;city={{city}}" style="color:${BRAND.color}">Shop now</a>
</td>
<td class="col" width="50%" valign="top" style="padding:8px">
<img src="${BRAND.site}/img/${b[0].toLowerCase().replace(/[^a-z]+/g, '-')}.jpg" width="252" alt="${b[0]}" style="width:100%;max-width:252px">
<p class="p"><strong>${b[0]}</strong><br>${b[1]}</p>
<a href="${BRAND.site}/shop?item=${encodeURIComponent(b[0])}&amp;utm_campaign=${campaign}&amp;city={{city}}" style="color:${BRAND.color}">Shop now</a>
</td>
</tr></table>
</td></tr>`;

const vipBlock = `{{ocx_if vip = 1}}
${para('As a VIP member you get free express shipping on every order, and early access to new gear.')}
{{ocx_elseif plan = pro OR plan = business}}
${para('Your {{plan}} membership includes free returns for 60 days.')}
{{ocx_else}}
${para('Join the VIP club to get free express shipping and early access.')}
{{ocx_endif}}`;

const PRODUCTS: [string, string][] = [
  ['Ridge 30L Daypack', 'Light, tough, with a hydration sleeve.'],
  ['Tidewater Rain Shell', 'Three-layer, fully taped seams.'],
  ['Cedar Camp Mug', 'Double-walled steel, keeps coffee hot.'],
  ['Summit Trekking Poles', 'Carbon shafts, cork grips.'],
  ['Driftwood Flannel', 'Brushed organic cotton.'],
  ['Harbor Headlamp', '400 lumens, USB-C rechargeable.'],
  ['Pine Ultralight Tent', 'Two-person, 1.4 kg packed.'],
  ['Coastline Merino Tee', 'Soft, odor resistant, all season.'],
];

const NEWSLETTER_TOPICS = [
  'Fresh snow, fresh trails',
  'Layering for the thaw',
  'Spring cleaning for your gear',
  'Ten-item packing list',
  'Camp cooking made simple',
  'Summer long-weekend routes',
  'Paddling the quiet coast',
  'Heat, hydration and you',
  'Autumn colours from the ridge',
  'Repair, don\u2019t replace',
  'Gift ideas for the trail-minded',
  'Our year on the trail',
  'Winter walks worth the cold',
  'Maps, apps and paper',
  'Planning your first thru-hike',
  'Waterproofing, explained',
  'Trail running for beginners',
  'Family camping checklist',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface SeedIds {
  lists: { newsletter: number; transactional: number };
  folders: Record<string, number>;
  templates: { header: number; footer: number; minimalFooter: number; oneColumn: number; twoColumn: number; transactionalHeader: number; transactionalFooter: number };
  emails: {
    welcome: number;
    birthday: number;
    /** Used by a campaign that already launched: a PUT copies it unless overwrite is set. */
    launched: number;
    /** Uses the header and footer templates. */
    withHeaderFooter: number;
    /** Used by a scheduled (not launched) campaign. */
    scheduled: number;
    orderReceipt: number;
    passwordReset: number;
    firstNewsletter: number;
  };
  connections: { transactional: number; marketing: number; inactive: number };
  transactional: { newsletterDefault: number; transactionalDefault: number; receipts: number };
  mailings: { launched: number; scheduled: number };
  segments: { allActive: number; vip: number; recentBuyers: number };
  contacts: {
    jane: string;
    john: string;
    noName: string;
    unsubscribed: string;
    bounced: string;
    suppressedGlobal: string;
    suppressedList: string;
  };
}

function contactId(listId: number, email: string): string {
  return createHash('md5').update(`${listId}:${email}`).digest('hex').slice(0, 24);
}

interface Built {
  data: StateData;
  ids: SeedIds;
}

export function buildSeed(credentialsAccountCode = 'sandbox', large = 0): Built {
  let nextEmail = 2001;
  let clock = T0;
  const tick = (s = 3600): number => (clock += s);
  const emails: EmailRec[] = [];
  const defaultAddress = (listId: number): Address[] => [
    {
      from_name: 'Harbor & Pine',
      from_address: listId === NEWSLETTER_LIST ? 'news@harborandpine.example' : 'orders@harborandpine.example',
      reply_address: 'hello@harborandpine.example',
      esp_connection_id: listId === NEWSLETTER_LIST ? CONN.marketing : CONN.transactional,
    },
  ];
  const item = (listId: number, type: ItemType, parent: number, name: string, o: Partial<EmailRec> = {}): EmailRec => {
    const created = tick();
    const e = emailRecord({
      id: nextEmail++,
      type,
      account_id: ACCOUNT_ID,
      list_id: listId,
      parent_id: parent,
      name,
      created,
      modified: created + 600,
      unsubscribe_default_link: type === 'email_message',
      addresses: type === 'folder' ? [] : defaultAddress(listId),
      no_wysiwyg: true,
      ...o,
    });
    emails.push(e);
    return e;
  };
  const folder = (listId: number, parent: number, name: string): number => item(listId, 'folder', parent, name).id;

  // ----- list 10542 library -----
  const L = NEWSLETTER_LIST;
  const f: Record<string, number> = {};
  f.marketing = folder(L, 0, 'Marketing');
  f.newsletters = folder(L, f.marketing, 'Newsletters');
  f.newsletters2024 = folder(L, f.newsletters, '2024');
  f.newsletters2025 = folder(L, f.newsletters, '2025');
  f.promotions = folder(L, f.marketing, 'Promotions');
  f.seasonal = folder(L, f.promotions, 'Seasonal');
  f.lifecycle = folder(L, 0, 'Lifecycle');
  f.onboarding = folder(L, f.lifecycle, 'Onboarding');
  f.templates = folder(L, 0, 'Templates');
  f.layouts = folder(L, f.templates, 'Layouts');
  f.partials = folder(L, f.templates, 'Partials');
  f.archive = folder(L, 0, 'Archive');

  const header = item(L, 'template', f.partials, 'Brand header', {
    description: 'Logo bar inserted above emails that use it',
    subject: 'Brand header',
    content_html: `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${BRAND.color}">
<tr><td align="center" style="padding:16px 24px">
<a href="${BRAND.site}/?utm_source=email&amp;utm_content=header" style="font:bold 20px Georgia,serif;color:#ffffff;text-decoration:none">${BRAND.name}</a>
<span style="font:13px Helvetica,Arial,sans-serif;color:#d6ebe4">&nbsp;&middot; Hi {{first_name:there}}</span>
</td></tr>
</table>`,
    content_text: 'Harbor & Pine',
  });
  const footer = item(L, 'template', f.partials, 'Legal footer', {
    description: 'Address and unsubscribe link inserted below emails that use it',
    subject: 'Legal footer',
    content_html: `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f8f9f6">
<tr><td align="center" style="padding:20px 24px;font:12px/18px Helvetica,Arial,sans-serif;color:#7a8581">
<p style="margin:0 0 8px">${BRAND.address}</p>
<p style="margin:0">Sent to {{email}} &middot; <a href="{{ocx_unsubscribe_link}}" style="color:#7a8581">Unsubscribe</a></p>
</td></tr>
</table>`,
    content_text: 'Harbor & Pine, 41 Quay Street, Portland, ME 04101. Unsubscribe: {{ocx_unsubscribe_link}}',
  });
  const minimalFooter = item(L, 'template', f.partials, 'Minimal footer', {
    description: 'One-line footer',
    subject: 'Minimal footer',
    content_html: `<p style="font:12px Helvetica,Arial,sans-serif;color:#7a8581;text-align:center">${BRAND.address}</p>`,
    content_text: 'Harbor & Pine, 41 Quay Street, Portland, ME 04101',
  });
  const oneColumn = item(L, 'template', f.layouts, 'One column layout', {
    description: 'Starting point for announcements',
    subject: 'Subject line here',
    content_html: doc('Announcement', 'Preheader text', `${brandBar()}
<tr><td class="pad">
<h1 class="h1">Headline</h1>
${para('Hi {{first_name:Friend}},')}
${para('Write your message here.')}
${button('Call to action', BRAND.site + '/?utm_source=email')}
</td></tr>
${footerRow(true)}`),
    content_text: 'Hi {{first_name:Friend}},\n\nWrite your message here.\n\nUnsubscribe: {{ocx_unsubscribe_link}}',
    favorite: true,
  });
  const twoColumn = item(L, 'template', f.layouts, 'Two column product layout', {
    description: 'Hero plus a two-up product grid',
    subject: 'New in store',
    content_html: doc('New in store', 'Two picks for you', `${brandBar()}
<tr><td class="pad"><h1 class="h1">New in store</h1>${para('Hi {{first_name:Friend}}, two picks for you.')}</td></tr>
${twoProducts(PRODUCTS[0], PRODUCTS[1], 'layout')}
${footerRow(true)}`),
    content_text: 'New in store. Hi {{first_name:Friend}}, two picks for you.',
  });
  item(L, 'template', f.layouts, 'Plain letter layout', {
    description: 'Text-first letter from the founders',
    subject: 'A note from us',
    content_html: doc('A note from us', 'A short letter', `<tr><td class="pad">
${para('Dear {{first_name:{{last_name:friend}}}},')}
${para('Write the letter here.')}
${para('&mdash; Maya and Tom, founders')}
</td></tr>
${footerRow(true)}`),
    content_text: 'Dear {{first_name:{{last_name:friend}}}},\n\nWrite the letter here.',
  });

  // Newsletters: 12 in 2024, 6 in 2025; every third uses the header/footer templates instead of its own.
  const newsletterIds: number[] = [];
  NEWSLETTER_TOPICS.forEach((topic, i) => {
    const year = i < 12 ? 2024 : 2025;
    const month = MONTHS[i % 12];
    const composed = i % 3 === 2;
    const campaign = `nl-${year}-${String((i % 12) + 1).padStart(2, '0')}`;
    const rows = `${composed ? '' : brandBar()}
<tr><td class="pad">
<p class="muted">${month} ${year} newsletter</p>
<h1 class="h1">${topic}</h1>
${para('Hi {{first_name:Friend}},')}
${para(`This month: ${topic.toLowerCase()}, plus two pieces of gear our team keeps reaching for${'{{ocx_if city !is empty}}'} around {{city}}{{ocx_endif}}.`)}
${button('Read the full story', `${BRAND.site}/journal/${campaign}?utm_campaign=${campaign}&amp;plan={{plan}}`)}
</td></tr>
${twoProducts(PRODUCTS[i % PRODUCTS.length], PRODUCTS[(i + 3) % PRODUCTS.length], campaign)}
<tr><td class="pad" style="padding-top:0">
${vipBlock}
</td></tr>
${composed ? '' : footerRow(false)}`;
    const e = item(L, 'email_message', year === 2024 ? f.newsletters2024 : f.newsletters2025, `${month} ${year} newsletter`, {
      description: topic,
      subject: `{{ocx_if vip=1}}VIP: {{ocx_endif}}${topic} | ${month} news`,
      preheader: `${topic} and two new picks for {{first_name:you}}`,
      content_html: doc(`${month} ${year} newsletter`, `${topic} and two new picks`, rows),
      content_text: `${month} ${year} newsletter\n\nHi {{first_name:Friend}},\n\nThis month: ${topic.toLowerCase()}.\n\nRead more: ${BRAND.site}/journal/${campaign}`,
      header_template_id: composed ? header.id : null,
      footer_template_id: composed ? footer.id : null,
      unsubscribe_default_link: !composed,
      favorite: i === 0 || i === 13,
      tag_ids: [1001],
    });
    newsletterIds.push(e.id);
  });

  const promo = (parent: number, name: string, subject: string, headline: string, offer: string, accent: string, idx: number): EmailRec =>
    item(L, 'email_message', parent, name, {
      description: offer,
      subject,
      preheader: offer,
      content_html: doc(name, offer, `${brandBar(accent)}
<tr><td class="pad">
<h1 class="h1">${headline}</h1>
${para('Hi {{first_name:Friend}},')}
${para(offer)}
{{ocx_if points >= 1000}}
${para('You also have {{points}} loyalty points &mdash; enough for a free camp mug.')}
{{ocx_elseif points > 0}}
${para('You have {{points}} loyalty points so far.')}
{{ocx_endif}}
${button('Shop the sale', `${BRAND.site}/sale?utm_campaign=${encodeURIComponent(name)}&amp;country={{country}}`)}
</td></tr>
${twoProducts(PRODUCTS[idx % PRODUCTS.length], PRODUCTS[(idx + 1) % PRODUCTS.length], 'promo')}
${footerRow(false)}`, accent),
      content_text: `${headline}\n\nHi {{first_name:Friend}},\n\n${offer}\n\n${BRAND.site}/sale`,
      tag_ids: [1002],
    });
  promo(f.promotions, 'Spring sale', 'Spring sale: 20% off packs and shells', 'Spring sale', 'Take 20% off packs and shells until Sunday.', '#2f6f9f', 0);
  promo(f.promotions, 'Black Friday early access', '{{first_name:Friend}}, your early access starts now', 'Early access', 'Black Friday prices, a day early, for subscribers.', '#111111', 2);
  promo(f.promotions, 'Free shipping weekend', 'Free shipping, all weekend', 'Free shipping weekend', 'Every order ships free until Monday.', '#b5542d', 4);
  promo(f.seasonal, 'Summer collection', 'The summer collection is here', 'Made for long days', 'Light layers and sun-ready gear for the season.', '#c28a16', 5);
  promo(f.seasonal, 'Holiday gift guide', 'Gifts for everyone who loves the outdoors', 'Holiday gift guide', 'Twenty gifts under $50, wrapped for free.', '#8c2f39', 6);
  const scheduledPromo = promo(f.seasonal, 'New year, new plan', 'New year, new trails', 'New year, new trails', 'Plan your year outside with our free route planner.', '#1f6f5c', 7);

  const welcome = item(L, 'email_message', f.onboarding, 'Welcome to Harbor & Pine', {
    description: 'List welcome email',
    subject: 'Welcome, {{first_name:friend}}!',
    preheader: 'Here is what to expect from us',
    content_html: doc('Welcome', 'Here is what to expect from us', `${brandBar()}
<tr><td class="pad">
<h1 class="h1">Welcome aboard, {{first_name:Friend}}</h1>
${para('Thanks for joining on {{signup_date[format=F j, Y]}}. Every month we send one newsletter, and the occasional sale.')}
{{ocx_if company !is empty}}
${para('Shopping for {{company}}? Ask about team pricing.')}
{{ocx_endif}}
${button('Set your preferences', `${BRAND.site}/preferences?e={{ocx_email_hash}}&amp;list={{ocx_list_id}}`)}
</td></tr>
${footerRow(false)}`),
    content_text: 'Welcome aboard, {{first_name:Friend}}.\n\nSet your preferences: https://www.harborandpine.example/preferences',
    favorite: true,
  });
  const day2 = (name: string, subject: string, body: string): EmailRec =>
    item(L, 'email_message', f.onboarding, name, {
      description: 'Onboarding series',
      subject,
      content_html: doc(name, subject, `<tr><td class="pad">
${para('Hi {{first_name:Friend}},')}
${para(body)}
${button('Continue', `${BRAND.site}/start?step=${encodeURIComponent(name)}&amp;c={{ocx_contact_id}}`)}
</td></tr>`),
      content_text: `Hi {{first_name:Friend}},\n\n${body}`,
      header_template_id: header.id,
      footer_template_id: minimalFooter.id,
    });
  day2('Getting started: day 2', 'Three ways to get the most from your gear', 'Register your gear for free repairs, join a local meetup, and check our trail guides.');
  day2('Tips: day 7', 'A week in: our favourite tips', 'Re-proof your shell every season; dry boots slowly, away from heat.');
  day2('Your trial ends soon', '{{ocx_if plan = free}}Your free plan ends soon{{ocx_else}}Your plan renews soon{{ocx_endif}}', 'Keep your member prices by choosing a plan before the end of the month.');
  item(L, 'email_message', f.onboarding, 'We miss you', {
    description: 'Re-engagement',
    subject: 'We miss you, {{first_name:friend}}',
    content_html: doc('We miss you', 'Here is 15% off to welcome you back', `${brandBar()}
<tr><td class="pad">
${para('Hi {{first_name:Friend}}, it has been a while.')}
{{ocx_if last_name is null OR first_name is empty}}
${para('Tell us your name so we can say hello properly.')}
{{ocx_endif}}
${button('Take 15% off', `${BRAND.site}/welcome-back?code=BACK15&amp;e={{email}}`)}
</td></tr>
${footerRow(false)}`),
    content_text: 'Hi {{first_name:Friend}}, it has been a while. Take 15% off: https://www.harborandpine.example/welcome-back',
  });
  const birthday = item(L, 'email_message', 0, 'Birthday greeting', {
    description: 'Sent on the contact\u2019s birthday',
    subject: 'Happy birthday, {{first_name:friend}}!',
    preheader: 'A small gift from us',
    content_html: doc('Happy birthday', 'A small gift from us', `${brandBar('#8c2f39')}
<tr><td class="pad">
<h1 class="h1">Happy birthday, {{first_name:Friend}}!</h1>
${para('Your birthday is {{birthday[format=l, j F]}} and we have a gift for you.')}
{{ocx_if vip = 1 AND country = Portugal}}
${para('Visit our Lisbon store for a free coffee, too.')}
{{ocx_endif}}
${button('Claim your gift', `${BRAND.site}/gift?c={{ocx_contact_id}}&amp;m={{ocx_message_id}}`)}
</td></tr>
${footerRow(false)}`, '#8c2f39'),
    content_text: 'Happy birthday, {{first_name:Friend}}! Claim your gift: https://www.harborandpine.example/gift',
    favorite: true,
  });
  item(L, 'email_message', f.archive, 'Store opening (2023)', {
    description: 'Old announcement',
    subject: 'Our Portland store is open',
    content_html: doc('Store opening', 'Come say hello', `${brandBar()}<tr><td class="pad">${para('Our Portland store on Quay Street is open. Come say hello, {{first_name:Friend}}!')}</td></tr>${footerRow(true)}`),
    content_text: 'Our Portland store on Quay Street is open.',
    unsubscribe_default_link: false,
  });

  // ----- list 10543 library -----
  const T = TRANSACTIONAL_LIST;
  f.txOrders = folder(T, 0, 'Orders');
  f.txShipping = folder(T, f.txOrders, 'Shipping');
  f.txAccount = folder(T, 0, 'Account');
  f.txPartials = folder(T, 0, 'Partials');
  const txHeader = item(T, 'template', f.txPartials, 'Transactional header', {
    description: 'Small logo bar',
    subject: 'Transactional header',
    content_html: `<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="padding:16px 24px;border-bottom:1px solid #e3e6e1;font:bold 18px Georgia,serif;color:${BRAND.color}">${BRAND.name}</td></tr></table>`,
    content_text: 'Harbor & Pine',
  });
  const txFooter = item(T, 'template', f.txPartials, 'Transactional footer', {
    description: 'Support line',
    subject: 'Transactional footer',
    content_html: `<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="padding:16px 24px;font:12px/18px Helvetica,Arial,sans-serif;color:#7a8581">Questions? Reply to this email or write to support@harborandpine.example.<br>${BRAND.address}</td></tr></table>`,
    content_text: 'Questions? Write to support@harborandpine.example.',
  });
  const tx = (parent: number, name: string, subject: string, rows: string, text: string, extra: Partial<EmailRec> = {}): EmailRec =>
    item(T, 'email_message', parent, name, {
      description: 'Transactional',
      subject,
      content_html: doc(name, subject.replace(/\{\{[^}]*\}\}/g, ''), rows),
      content_text: text,
      header_template_id: txHeader.id,
      footer_template_id: txFooter.id,
      unsubscribe_default_link: false,
      tag_ids: [1003],
      ...extra,
    });
  const receipt = tx(f.txOrders, 'Order receipt', 'Your receipt {{receipt_id}}', `<tr><td class="pad">
<h1 class="h1">Thanks for your order, {{first_name:there}}</h1>
${para('Receipt <strong>{{receipt_id}}</strong> &middot; {{order_date}}')}
<table role="presentation" width="100%" cellpadding="6" cellspacing="0" style="font:15px Helvetica,Arial,sans-serif">
<tr><td>{{item_1_description}}</td><td align="right">{{item_1_amount}}</td></tr>
{{ocx_if item_2_description !is empty}}<tr><td>{{item_2_description}}</td><td align="right">{{item_2_amount}}</td></tr>{{ocx_endif}}
<tr><td style="border-top:1px solid #e3e6e1"><strong>Total</strong></td><td align="right" style="border-top:1px solid #e3e6e1"><strong>{{order_total}}</strong></td></tr>
</table>
${button('View your order', `${BRAND.site}/orders?receipt={{receipt_id}}`)}
</td></tr>`, 'Thanks for your order, {{first_name:there}}. Receipt {{receipt_id}}, total {{order_total}}.', { favorite: true });
  tx(f.txShipping, 'Order shipped', 'Your order is on its way', `<tr><td class="pad">
${para('Good news, {{first_name:there}}: order {{receipt_id}} has shipped.')}
${button('Track your parcel', `${BRAND.site}/track?n={{tracking_number}}`)}
</td></tr>`, 'Order {{receipt_id}} has shipped. Tracking: {{tracking_number}}');
  tx(f.txShipping, 'Delivery delayed', 'A short delay on order {{receipt_id}}', `<tr><td class="pad">
${para('Sorry, {{first_name:there}} &mdash; your parcel is running late. New estimate: {{new_eta:in a few days}}.')}
</td></tr>`, 'Your parcel is running late. New estimate: {{new_eta:in a few days}}.');
  tx(f.txOrders, 'Refund issued', 'Your refund of {{refund_amount}}', `<tr><td class="pad">
${para('We refunded {{refund_amount}} to your {{card_brand:card}} ending {{card_last4}}.')}
</td></tr>`, 'We refunded {{refund_amount}}.');
  tx(f.txOrders, 'Invoice', 'Invoice {{invoice_id}}', `<tr><td class="pad">
${para('Invoice {{invoice_id}} dated {{invoice_date}} is attached to your account. Amount due: {{invoice_total}} by {{due_date}}.')}
</td></tr>`, 'Invoice {{invoice_id}}: {{invoice_total}} due {{due_date}}.');
  const reset = tx(f.txAccount, 'Password reset', 'Reset your password', `<tr><td class="pad">
${para('Hi {{first_name:there}}, someone (hopefully you) asked to reset your password from {{browser_name:a browser}} on {{operating_system:an unknown system}}.')}
${button('Reset password', '{{reset_url}}')}
${para('If you did not ask for this, ignore this email; the link expires in an hour.')}
</td></tr>`, 'Reset your password: {{reset_url}}');
  tx(f.txAccount, 'Email change confirmation', 'Confirm your new email address', `<tr><td class="pad">
${para('Please confirm {{email}} as your new address.')}
${button('Confirm', `${BRAND.site}/confirm?t={{confirm_token}}&amp;e={{email}}`)}
</td></tr>`, 'Confirm your new address: {{email}}');

  // ----- generated library for benchmarks -----
  if (large > 0) generateLarge(large, item);

  // ----- campaigns -----
  const launchedMailing = 111670;
  const scheduledMailing = 111671;
  const launchedEmail = emails.find((e) => e.id === newsletterIds[1])!;
  launchedEmail.mailing_id = launchedMailing;
  scheduledPromo.mailing_id = scheduledMailing;

  // ----- fields -----
  let fieldId = 88201;
  const fields: FieldRec[] = [];
  const field = (listId: number, name: string, title: string, type: FieldType, format: string | null = null, dflt: string | null = null): void => {
    const created = T0 + fields.length * 60;
    fields.push({
      id: fieldId++,
      list_id: listId,
      name,
      title,
      type,
      format,
      default: dflt,
      mandatory: type === 'email',
      position: fields.filter((x) => x.list_id === listId).length + 1,
      created,
      modified: created,
      deleted: false,
      is_sms: false,
    });
  };
  field(L, 'email', 'Email', 'email');
  field(L, 'first_name', 'First Name', 'string');
  field(L, 'last_name', 'Last Name', 'string');
  field(L, 'company', 'Company', 'string');
  field(L, 'city', 'City', 'string');
  field(L, 'country', 'Country', 'string', null, 'US');
  field(L, 'birthday', 'Birthday', 'date', 'dd/mm/yyyy');
  field(L, 'plan', 'Plan', 'string', null, 'free');
  field(L, 'vip', 'VIP', 'numeric', null, '0');
  field(L, 'points', 'Loyalty Points', 'numeric', null, '0');
  field(L, 'signup_date', 'Signup Date', 'date', 'yyyy-mm-dd');
  field(L, 'language', 'Language', 'string', null, 'en');
  field(T, 'email', 'Email', 'email');
  field(T, 'first_name', 'First Name', 'string');
  field(T, 'last_name', 'Last Name', 'string');
  field(T, 'customer_id', 'Customer ID', 'string');
  field(T, 'order_count', 'Orders', 'numeric', null, '0');
  field(T, 'last_order_date', 'Last Order', 'date', 'mm/dd/yyyy hh24:mi');
  field(T, 'member_since', 'Member Since', 'date', 'yyyy/mm/dd');
  field(T, 'phone', 'Phone', 'string');

  // ----- contacts -----
  const contacts: ContactRec[] = [];
  const contact = (listId: number, email: string, values: Record<string, string | number | null>, status: ContactStatus = 'Active'): void => {
    const created = T0 + 86400 * (contacts.length + 3);
    contacts.push({
      id: contactId(listId, email),
      list_id: listId,
      email,
      fields: values,
      ocx_status: status,
      ocx_created_date: created,
      ocx_unsubscribe_date: status === 'Unsubscribed' ? created + 86400 * 40 : null,
      ocx_resubscribe_date: null,
      ocx_bounce_date: status === 'Bounced' ? created + 86400 * 12 : null,
      ocx_complaint_date: status === 'Complaint' ? created + 86400 * 5 : null,
      ocx_import_id: listId === L ? 3301 : null,
    });
  };
  const p = (first: string | null, last: string | null, company: string | null, city: string | null, country: string | null, birthday: string | null, plan: string, vip: number, points: number, signup: string, language = 'en') => ({
    first_name: first, last_name: last, company, city, country, birthday, plan, vip, points, signup_date: signup, language,
  });
  contact(L, 'jane.doe@example.com', p('Jane', 'Doe', 'Northwind Traders', 'Lisbon', 'Portugal', '14/03/1988', 'pro', 1, 1250, '2023-04-11', 'pt'));
  contact(L, 'john.smith@example.com', p('John', 'Smith', 'Contoso', 'Chicago', 'US', '02/11/1979', 'free', 0, 80, '2024-01-20'));
  contact(L, 'ana.garcia@example.com', p('Ana', 'García', null, 'Madrid', 'Spain', '29/07/1992', 'business', 1, 430, '2022-09-02', 'es'));
  contact(L, 'li.wei@example.com', p('Li', 'Wei', 'Fabrikam', 'Singapore', 'Singapore', '08/08/1990', 'pro', 0, 0, '2024-06-30'));
  contact(L, 'no.name@example.com', p(null, null, null, null, null, null, 'free', 0, 0, '2024-07-01'));
  contact(L, 'max.mueller@example.com', p('Max', 'Müller', 'Alpenrad GmbH', 'Berlin', 'Germany', '21/01/1985', 'business', 0, 2200, '2021-11-15', 'de'));
  contact(L, 'priya.patel@example.com', p('Priya', 'Patel', null, 'Leicester', 'UK', '03/05/1995', 'free', 0, 15, '2024-03-08'));
  contact(L, 'tom.nguyen@example.com', p('Tom', 'Nguyen', 'Tailspin Toys', 'Seattle', 'US', '17/12/1983', 'pro', 1, 990, '2023-02-19'));
  contact(L, 'sara.cohen@example.com', p('Sara', 'Cohen', null, 'Tel Aviv', 'Israel', '11/10/1991', 'free', 0, 120, '2024-05-05', 'he'));
  contact(L, 'olivia.brown@example.com', p('Olivia', 'Brown', null, 'Austin', 'US', '25/06/1987', 'free', 0, 0, '2023-08-14'), 'Unsubscribed');
  contact(L, 'bounced.user@example.com', p('Ben', 'Bounce', null, null, 'US', null, 'free', 0, 0, '2023-01-03'), 'Bounced');
  contact(L, 'suppressed@example.com', p('Sam', 'Suppressed', null, 'Denver', 'US', null, 'free', 0, 0, '2023-06-21'));
  contact(L, 'do-not-mail@example.com', p('Dana', 'Nomail', null, 'Boston', 'US', null, 'free', 0, 0, '2023-06-22'));
  contact(T, 'jane.doe@example.com', { first_name: 'Jane', last_name: 'Doe', customer_id: 'C-10021', order_count: 7, last_order_date: '03/02/2025 14:20', member_since: '2023/04/11', phone: '+351 21 000 0000' });
  contact(T, 'john.smith@example.com', { first_name: 'John', last_name: 'Smith', customer_id: 'C-10044', order_count: 1, last_order_date: '11/28/2024 09:05', member_since: '2024/01/20', phone: null });
  contact(T, 'order.customer@example.com', { first_name: 'Chris', last_name: 'Taylor', customer_id: 'C-10102', order_count: 3, last_order_date: '01/15/2025 18:45', member_since: '2024/08/09', phone: null });

  const ids: SeedIds = {
    lists: { newsletter: L, transactional: T },
    folders: f,
    templates: {
      header: header.id,
      footer: footer.id,
      minimalFooter: minimalFooter.id,
      oneColumn: oneColumn.id,
      twoColumn: twoColumn.id,
      transactionalHeader: txHeader.id,
      transactionalFooter: txFooter.id,
    },
    emails: {
      welcome: welcome.id,
      birthday: birthday.id,
      launched: launchedEmail.id,
      withHeaderFooter: newsletterIds[2],
      scheduled: scheduledPromo.id,
      orderReceipt: receipt.id,
      passwordReset: reset.id,
      firstNewsletter: newsletterIds[0],
    },
    connections: { ...CONN },
    transactional: { newsletterDefault: 4501, transactionalDefault: 4502, receipts: 4503 },
    mailings: { launched: launchedMailing, scheduled: scheduledMailing },
    segments: { allActive: 1429, vip: 1430, recentBuyers: 1431 },
    contacts: {
      jane: 'jane.doe@example.com',
      john: 'john.smith@example.com',
      noName: 'no.name@example.com',
      unsubscribed: 'olivia.brown@example.com',
      bounced: 'bounced.user@example.com',
      suppressedGlobal: 'suppressed@example.com',
      suppressedList: 'do-not-mail@example.com',
    },
  };

  const data: StateData = {
    version: 1,
    account: { id: ACCOUNT_ID, code: credentialsAccountCode },
    nextId: { email: Math.max(nextEmail, 9001), mailing: 111700, transactional: 4600, outbox: 1, tag: 1100, field: fieldId },
    lists: [
      {
        id: L, account_id: ACCOUNT_ID, name: 'Newsletter', description: 'Monthly newsletter and promotions', type: 'sending', default: true,
        default_transactional_id: 4501, welcome_email_id: welcome.id, unsubscribe_default_link: true, header_template_id: null, footer_template_id: null,
        tracking_domain: 'links.harborandpine.example', image_host_base: 'https://images.harborandpine.example', created: T0, modified: T0 + 86400,
      },
      {
        id: T, account_id: ACCOUNT_ID, name: 'Transactional', description: 'Customers: receipts, shipping and account mail', type: 'sending', default: false,
        default_transactional_id: 4502, welcome_email_id: null, unsubscribe_default_link: false, header_template_id: txHeader.id, footer_template_id: txFooter.id,
        tracking_domain: 'links.harborandpine.example', image_host_base: 'https://images.harborandpine.example', created: T0 + 600, modified: T0 + 90000,
      },
    ],
    fields,
    emails,
    contacts,
    connections: [
      { id: CONN.transactional, esp_id: 8, esp_name: 'SendGrid', name: 'SendGrid transactional', support_transactional: true, active: true },
      { id: CONN.marketing, esp_id: 31, esp_name: 'Amazon SES', name: 'Amazon SES marketing', support_transactional: false, active: true },
      { id: CONN.inactive, esp_id: 12, esp_name: 'Mailgun', name: 'Mailgun (paused)', support_transactional: true, active: false },
    ],
    transactional: [
      { id: 4501, account_id: ACCOUNT_ID, list_id: L, name: 'Newsletter default transactional', description: 'Default transactional campaign of the Newsletter list', is_default: true, esp_connection_id: CONN.transactional, created: T0, modified: T0, deleted: false },
      { id: 4502, account_id: ACCOUNT_ID, list_id: T, name: 'Transactional default', description: 'Default transactional campaign of the Transactional list', is_default: true, esp_connection_id: CONN.transactional, created: T0 + 600, modified: T0 + 600, deleted: false },
      { id: 4503, account_id: ACCOUNT_ID, list_id: T, name: 'Order receipts', description: 'Receipts and invoices', is_default: false, esp_connection_id: CONN.transactional, created: T0 + 7200, modified: T0 + 7200, deleted: false },
    ],
    mailings: [
      {
        id: launchedMailing, account_id: ACCOUNT_ID, list_id: L, name: `${launchedEmail.name} campaign`, description: 'Monthly send', type: 'campaign', is_test: false,
        status: CAMPAIGN_STATUS.COMPLETED, email_message: [launchedEmail.id], segments: [1429], recipients: [], distribution: [{ esp_connection_id: CONN.marketing, percent: 100 }],
        esp_connection_id: null, prepend_test_to_subject: false, schedule_date: null, created: T0 + 86400 * 30, modified: T0 + 86400 * 30 + 5400,
      },
      {
        id: scheduledMailing, account_id: ACCOUNT_ID, list_id: L, name: 'New year campaign', description: 'Scheduled for January', type: 'campaign', is_test: false,
        status: CAMPAIGN_STATUS.SCHEDULED, email_message: [scheduledPromo.id], segments: [1429], recipients: [], distribution: [{ esp_connection_id: CONN.marketing, percent: 100 }],
        esp_connection_id: null, prepend_test_to_subject: false, schedule_date: 1767225600, created: T0 + 86400 * 60, modified: T0 + 86400 * 60,
      },
    ],
    segments: [
      { id: 1429, list_id: L, name: 'All active', type: 'active', favorite: true, last_count: 11, created: T0, modified: T0 },
      { id: 1430, list_id: L, name: 'VIP customers', type: 'active', favorite: false, last_count: 3, created: T0 + 3600, modified: T0 + 3600 },
      { id: 1431, list_id: T, name: 'Recent buyers', type: 'active', favorite: false, last_count: 3, created: T0 + 7200, modified: T0 + 7200 },
    ],
    tags: [
      { id: 1001, list_id: null, title: 'newsletter', created: T0 },
      { id: 1002, list_id: L, title: 'promo', created: T0 + 60 },
      { id: 1003, list_id: T, title: 'receipt', created: T0 + 120 },
    ],
    suppression: [
      { email: 'suppressed@example.com', scope: 'global', list_id: null },
      { email: 'do-not-mail@example.com', scope: 'list', list_id: L },
    ],
    outbox: [],
    launches: [],
  };
  return { data, ids };
}

type ItemFn = (listId: number, type: ItemType, parent: number, name: string, o?: Partial<EmailRec>) => EmailRec;

/**
 * Adds `count` library items to the Newsletter list under a root folder "Generated library": folders two levels
 * deep (about one per 25 items), the rest emails and templates with compact but real HTML.
 */
function generateLarge(count: number, item: ItemFn): void {
  const L = NEWSLETTER_LIST;
  const root = item(L, 'folder', 0, 'Generated library').id;
  let made = 1;
  const folderCount = Math.max(1, Math.round(count / 25));
  const top = Math.max(1, Math.ceil(Math.sqrt(folderCount)));
  const folders: number[] = [];
  const topIds: number[] = [];
  for (let i = 0; i < top && made < count; i++, made++) {
    const id = item(L, 'folder', root, `Collection ${String(i + 1).padStart(2, '0')}`).id;
    topIds.push(id);
    folders.push(id);
  }
  for (let i = 0; folders.length < folderCount && made < count; i++, made++) {
    folders.push(item(L, 'folder', topIds[i % topIds.length], `Batch ${String(i + 1).padStart(3, '0')}`).id);
  }
  for (let i = 0; made < count; i++, made++) {
    const type: ItemType = i % 10 < 7 ? 'email_message' : 'template';
    const product = PRODUCTS[i % PRODUCTS.length];
    const topic = NEWSLETTER_TOPICS[i % NEWSLETTER_TOPICS.length];
    const n = String(i + 1).padStart(5, '0');
    item(L, type, folders[i % folders.length], `${type === 'template' ? 'Template' : 'Email'} ${n}: ${topic}`, {
      description: `Generated item ${n}`,
      subject: `${topic} #${i + 1}, {{first_name:Friend}}`,
      content_html: doc(topic, product[1], `${brandBar()}
<tr><td class="pad">
<h1 class="h1">${topic}</h1>
${para('Hi {{first_name:Friend}}, meet the ' + product[0] + '. ' + product[1])}
{{ocx_if vip = 1}}${para('VIP price inside.')}{{ocx_endif}}
${button('See it', `${BRAND.site}/p/${i + 1}?c={{city}}`)}
</td></tr>`),
      content_text: `${topic}\n\nHi {{first_name:Friend}}, meet the ${product[0]}.`,
      favorite: i % 97 === 0,
    });
  }
}

/** The seed's named ids (lists, folders, templates, emails, connections, campaigns, contacts) for tests. */
export const SEED_IDS: SeedIds = buildSeed().ids;
