/** Keeping a workspace folder and an Ongage library in sync (pull, three-way status, push). Editor-free. */
export * from './manifest';
export * from './naming';
export * from './local';
export * from './state';
export * from './pull';
export * from './push';
export * from './merge';
