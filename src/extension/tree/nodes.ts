import type { OngageList } from '../../core/api/types';
import type { ConnectionProfile } from '../../core/accounts/connections';

/** What the Library view shows. `key` is unique and stable; nodes are cached by it so refreshes are targeted. */
export type LibraryNode = ConnectionNode | ListNode | ItemNode | MessageNode;

export interface ConnectionNode {
  kind: 'connection';
  key: string;
  profile: ConnectionProfile;
}

export interface ListNode {
  kind: 'list';
  key: string;
  profile: ConnectionProfile;
  list: OngageList;
}

export interface ItemNode {
  kind: 'item';
  key: string;
  profile: ConnectionProfile;
  listId: number;
  itemId: number;
}

/** A row that is not data: an error with a retry, an empty folder, a "loading" placeholder. */
export interface MessageNode {
  kind: 'message';
  key: string;
  label: string;
  detail?: string;
  icon: 'error' | 'info' | 'loading~spin';
  /** The node to reload when the row is clicked (errors). */
  retry?: LibraryNode;
}

/** Context values used by `when` clauses in package.json (`viewItem`). */
export const CONTEXT = {
  connection: 'ongage.connection',
  list: 'ongage.list',
  folder: 'ongage.folder',
  email: 'ongage.email',
  template: 'ongage.template',
  message: 'ongage.message',
} as const;

export const keys = {
  connection: (profileId: string) => `c:${profileId}`,
  list: (profileId: string, listId: number) => `l:${profileId}/${listId}`,
  item: (profileId: string, listId: number, itemId: number) => `i:${profileId}/${listId}/${itemId}`,
};
