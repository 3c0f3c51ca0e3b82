import type { MeshApi } from '../../main/contract';

declare global {
  interface Window {
    readonly mesh: MeshApi;
  }
}
