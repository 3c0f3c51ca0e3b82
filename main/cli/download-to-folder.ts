import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadProgress, DownloadResult, MeshClient } from '../mesh/client';

/**
 * Downloads a message into `folder` under its message id, through a .part file
 * so that a half-finished download never looks complete. The message id is
 * used as the name because it is the one name the server cannot make hostile.
 */
export async function saveDownload(
  client: MeshClient,
  messageId: string,
  folder: string,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<DownloadResult & { path: string }> {
  const safeId = messageId.replace(/[^A-Za-z0-9_-]/g, '_');
  const partPath = join(folder, `${safeId}.dat.part`);
  const finalPath = join(folder, `${safeId}.dat`);
  const result = await client.downloadToFile(messageId, partPath, onProgress ? { onProgress } : {});
  await rename(partPath, finalPath);
  return { ...result, path: finalPath };
}
