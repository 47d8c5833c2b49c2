import { ApiKeyStatus, deriveStatus } from "../../src/core/key-status";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const HOUR = 3_600_000;
const active = { enabled: true, expiresAt: null, revokedAt: null };

describe("deriveStatus", () => {
  it("is ACTIVE for an enabled key with no expiry or revocation", () => {
    expect(deriveStatus(active, NOW)).toBe(ApiKeyStatus.ACTIVE);
  });

  it.each([
    ["revoked now", { revokedAt: NOW }, ApiKeyStatus.REVOKED],
    ["revoked before", { revokedAt: NOW - HOUR }, ApiKeyStatus.REVOKED],
    ["a revocation scheduled later (a grace period)", { revokedAt: NOW + HOUR }, ApiKeyStatus.ACTIVE],
    ["expiring now", { expiresAt: NOW }, ApiKeyStatus.EXPIRED],
    ["expired before", { expiresAt: NOW - 1 }, ApiKeyStatus.EXPIRED],
    ["expiring later", { expiresAt: NOW + 1 }, ApiKeyStatus.ACTIVE],
    ["disabled", { enabled: false }, ApiKeyStatus.DISABLED],
  ])("%s", (_case, fields, expected) => {
    expect(deriveStatus({ ...active, ...fields }, NOW)).toBe(expected);
  });

  it("ranks REVOKED over EXPIRED over DISABLED", () => {
    expect(deriveStatus({ enabled: false, expiresAt: NOW - HOUR, revokedAt: NOW - HOUR }, NOW)).toBe(ApiKeyStatus.REVOKED);
    expect(deriveStatus({ enabled: false, expiresAt: NOW - HOUR, revokedAt: NOW + HOUR }, NOW)).toBe(ApiKeyStatus.EXPIRED);
    expect(deriveStatus({ enabled: false, expiresAt: NOW + HOUR, revokedAt: NOW + HOUR }, NOW)).toBe(ApiKeyStatus.DISABLED);
  });

  it("reads timestamps given as Dates (entities) and as milliseconds (cached key state) alike", () => {
    for (const offset of [-HOUR, 0, HOUR]) {
      const asDates = deriveStatus({ enabled: true, expiresAt: new Date(NOW + offset), revokedAt: null }, NOW);
      const asNumbers = deriveStatus({ enabled: true, expiresAt: NOW + offset, revokedAt: null }, NOW);
      expect(asDates).toBe(asNumbers);
    }
  });
});
