// node-diff3 ships its types behind package "exports", which moduleResolution "node" does not read; the part used here.
declare module 'node-diff3' {
  export interface MergeResult<T = string> {
    conflict: boolean;
    result: Array<T | string>;
  }
  export function merge<T = string>(a: string | T[], o: string | T[], b: string | T[], options?: { excludeFalseConflicts?: boolean; stringSeparator?: string | RegExp }): MergeResult<T>;
}
