// The ACL edits of setacl, as s3cmd's S3/ACL.py makes them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAcl } from '../sdk/results.js';
import { Acl, ALL_USERS, parseAclSpec } from './acl.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner-id</ID><DisplayName>owner</DisplayName></Owner>
<AccessControlList>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner-id</ID><DisplayName>owner</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>friend-id</ID><DisplayName>Friend</DisplayName></Grantee><Permission>WRITE</Permission></Grant>
</AccessControlList></AccessControlPolicy>`;

const grants = (acl: Acl) => parseAcl(acl.toXml()).map((g) => `${g.granteeKind}:${g.grantee}:${g.permission}`);

describe('Acl', () => {
  it('public and private: anonymous read granted once, revoked with anonymous write', () => {
    const acl = Acl.parse(XML);
    assert.equal(acl.isAnonRead(), true);
    acl.grantAnonRead();
    assert.deepEqual(grants(acl), ['ID:owner-id:FULL_CONTROL', `URI:${ALL_USERS}:READ`, 'ID:friend-id:WRITE']);
    acl.grant({ name: ALL_USERS, permission: 'WRITE' });
    assert.equal(acl.isAnonWrite(), true);
    acl.revokeAnonRead();
    acl.revokeAnonWrite();
    assert.deepEqual(grants(acl), ['ID:owner-id:FULL_CONTROL', 'ID:friend-id:WRITE']);
    assert.match(acl.toXml(), /^<AccessControlPolicy xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><Owner><ID>owner-id<\/ID><\/Owner>/);
  });

  it('grants: e-mail, group and lowercased canonical ids; "all" is FULL_CONTROL and replaces the others', () => {
    const acl = Acl.parse(XML);
    acl.grant({ name: 'Someone@Example.COM', permission: 'READ' });
    acl.grant({ name: 'ABCDEF', permission: 'READ_ACP' });
    acl.grant({ name: 'friend-id', permission: 'ALL' });
    // Already covered by FULL_CONTROL: nothing added.
    acl.grant({ name: 'friend-id', permission: 'READ' });
    assert.deepEqual(grants(acl).slice(2), ['EmailAddress:someone@example.com:READ', 'ID:abcdef:READ_ACP', 'ID:friend-id:FULL_CONTROL']);
    assert.match(acl.toXml(), /xsi:type="AmazonCustomerByEmail"><EmailAddress>someone@example\.com<\/EmailAddress>/);
  });

  it('revokes match the name or display name, one permission or all', () => {
    const acl = Acl.parse(XML);
    acl.revoke({ name: 'friend', permission: 'READ' });
    assert.equal(grants(acl).length, 3);
    acl.revoke({ name: 'FRIEND', permission: 'WRITE' });
    assert.deepEqual(grants(acl), ['ID:owner-id:FULL_CONTROL', `URI:${ALL_USERS}:READ`]);
    acl.revoke({ name: ALL_USERS, permission: 'ALL' });
    assert.deepEqual(grants(acl), ['ID:owner-id:FULL_CONTROL']);
  });

  it('--acl-grant values: permission:grantee, known permissions only', () => {
    const parse = parseAclSpec('--acl-grant');
    assert.deepEqual(parse('read:someone@example.com', parse('all:id')), [
      { permission: 'ALL', name: 'id' },
      { permission: 'READ', name: 'someone@example.com' },
    ]);
    assert.throws(() => parse('READ:x'), /invalid S3 ACL permission: READ/);
    assert.throws(() => parse('nocolon'), /invalid S3 ACL format: 'nocolon'/);
  });
});
