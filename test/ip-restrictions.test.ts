import { describe, expect, it } from 'vitest';
import { addressSet, clientAddress, parseCidr } from '../src/auth/ip-addresses.js';
import { isAddressAllowed } from '../src/auth/ip-restrictions.js';
import {
  AuditLogDocument,
  CreateIpRestrictionDocument,
  DeleteIpRestrictionDocument,
  IpRestrictionsDocument,
} from '../src/client/index.js';
import { createTestGateway, errorCodes } from './support/helpers.js';

describe('IP restriction rules', () => {
  it('deny wins; with allow rules only matching addresses pass; IPv6 and mapped IPv4 work', () => {
    const rules = [
      { kind: 'allow' as const, cidr: '10.0.0.0/8' },
      { kind: 'allow' as const, cidr: '2001:db8::/32' },
      { kind: 'deny' as const, cidr: '10.1.0.0/16' },
    ];
    expect(isAddressAllowed([], '198.51.100.1')).toBe(true);
    expect(isAddressAllowed(rules, '10.2.3.4')).toBe(true);
    expect(isAddressAllowed(rules, '::ffff:10.2.3.4')).toBe(true);
    expect(isAddressAllowed(rules, '10.1.2.3')).toBe(false);
    expect(isAddressAllowed(rules, '198.51.100.1')).toBe(false);
    expect(isAddressAllowed(rules, '2001:db8::1')).toBe(true);
    expect(isAddressAllowed(rules, '2001:db9::1')).toBe(false);
    expect(isAddressAllowed(rules, null)).toBe(false);
    expect(isAddressAllowed([{ kind: 'deny', cidr: '10.1.0.0/16' }], '192.0.2.1')).toBe(true);
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('192.0.2.7')).toEqual({ address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0/8',
      'example.com',
      '10.0.0.0/8/1',
      '::1/129',
      '10.0.0.0/-1',
      '',
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it('believes X-Forwarded-For only from trusted proxies, walking from the right', () => {
    const trusted = addressSet([parseCidr('10.0.0.0/8')!]);
    expect(clientAddress('198.51.100.9', '1.2.3.4', null)).toBe('198.51.100.9');
    expect(clientAddress('198.51.100.9', '1.2.3.4', trusted)).toBe('198.51.100.9');
    expect(clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7, 10.0.0.9', trusted)).toBe(
      '203.0.113.7',
    );
    expect(clientAddress('::ffff:10.0.0.5', '203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress(undefined, '203.0.113.7', trusted)).toBeNull();
  });
});

describe('IP restrictions over the API', () => {
  it('refuse every request of the account from a refused address with FORBIDDEN ip_restricted, and audit it', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const created = await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'allow', cidr: '127.0.0.0/8', description: 'loopback' },
    });
    expect(created.data?.createIpRestriction).toMatchObject({ kind: 'allow', cidr: '127.0.0.0/8' });

    const outside = await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken, {
      clientIp: '198.51.100.20',
    });
    expect(outside.status).toBe(403);
    expect(outside.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ip_restricted',
    });
    const inside = await gateway.graphql('{ viewer { name } }', {}, gateway.adminToken, {
      clientIp: '127.0.0.9',
    });
    expect(inside.body.data?.viewer.name).toBe('Bootstrap admin');

    const log = await admin.request(AuditLogDocument, { filter: { action: 'authenticate' } });
    expect(log.data?.auditLog?.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        clientIp: '198.51.100.20',
        details: {
          reason: 'ip_restricted',
          refusedBy: 'account',
          windowStart: expect.any(String),
          count: 1,
          lastAt: expect.any(String),
          lastClientIp: '198.51.100.20',
        },
      }),
    ]);

    // Another account is not affected by this account's rules.
    const other = await gateway.addAccount('Other', 'enterprise');
    const theirs = await gateway.graphql('{ viewer { name } }', {}, other.adminToken, {
      clientIp: '198.51.100.20',
    });
    expect(theirs.body.data?.viewer.name).toBe('Bootstrap admin');
  });

  it('uses X-Forwarded-For only when the peer is a trusted proxy', async () => {
    const gateway = await createTestGateway({ trustedProxies: ['10.0.0.0/8'] });
    const admin = gateway.client(gateway.adminToken);
    await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'allow', cidr: '127.0.0.1' },
    });
    await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'allow', cidr: '10.0.0.0/8' },
    });
    await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'deny', cidr: '198.51.100.0/24' },
    });
    const query = (clientIp: string, forwardedFor: string) =>
      gateway.graphql('{ viewer { name } }', {}, gateway.adminToken, {
        clientIp,
        headers: { 'x-forwarded-for': forwardedFor },
      });
    expect((await query('10.1.1.1', '198.51.100.5')).status).toBe(403);
    expect((await query('10.1.1.1', '10.9.9.9')).status).toBe(200);
    // An untrusted peer cannot launder its address through the header.
    expect((await query('198.51.100.5', '10.9.9.9')).status).toBe(403);
  });

  it('refuses a rule that would lock out the caller, bad CIDRs, and unknown ids; deletes rules', async () => {
    const gateway = await createTestGateway();
    const admin = gateway.client(gateway.adminToken);
    const lockout = await admin.request(CreateIpRestrictionDocument, {
      input: { kind: 'allow', cidr: '198.51.100.0/24' },
    });
    expect(errorCodes(lockout)).toEqual(['BAD_USER_INPUT']);
    expect(lockout.errors?.[0]?.message).toMatch(
      /could no longer be used from this request's address \(127\.0\.0\.1\)/,
    );
    expect(
      errorCodes(
        await admin.request(CreateIpRestrictionDocument, {
          input: { kind: 'deny', cidr: '127.0.0.1' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await admin.request(CreateIpRestrictionDocument, {
          input: { kind: 'deny', cidr: '300.1.1.1' },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect((await admin.request(IpRestrictionsDocument)).data?.ipRestrictions).toEqual([]);

    const allow = (
      await admin.request(CreateIpRestrictionDocument, {
        input: { kind: 'allow', cidr: '127.0.0.1' },
      })
    ).data!.createIpRestriction!;
    // Deleting the only rule that lets this caller in would lock it out... unless no allow rule remains.
    expect(
      (await admin.request(DeleteIpRestrictionDocument, { id: allow.id })).data?.deleteIpRestriction
        ?.id,
    ).toBe(allow.id);
    expect(errorCodes(await admin.request(DeleteIpRestrictionDocument, { id: allow.id }))).toEqual([
      'NOT_FOUND',
    ]);
  });
});
