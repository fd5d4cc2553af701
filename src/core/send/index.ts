/** Sends (test and transactional) without an editor: recipients, guard rails, the calls, the send log. */
export * from './recipients';
export * from './guards';
export * from './service';
export * from './log';
