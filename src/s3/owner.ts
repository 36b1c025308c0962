// Owners as S3 shows them: the ID is the project id, the DisplayName the
// project name (what `s3cmd info` prints in its ACL lines).

import type { MetaStore } from '../store/meta.js';
import { el } from './xml.js';

export interface Owner {
  id: string;
  displayName: string;
}

/** Looks up project names once per request, however many entries name them. */
export class OwnerNames {
  private readonly cache = new Map<string, Promise<Owner>>();

  constructor(private readonly meta: MetaStore) {}

  get(projectId: string): Promise<Owner> {
    let owner = this.cache.get(projectId);
    if (!owner) {
      owner = this.meta.getProject(projectId).then((p) => ({ id: projectId, displayName: p?.name ?? projectId }));
      this.cache.set(projectId, owner);
    }
    return owner;
  }
}

export function ownerXml(owner: Owner, element = 'Owner'): string {
  return `<${element}>${el('ID', owner.id)}${el('DisplayName', owner.displayName)}</${element}>`;
}
