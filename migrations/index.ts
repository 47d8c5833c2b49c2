import { InitialSchema1764000000000 } from "./1764000000000-InitialSchema";
import { JwtTokenLifetime1764900000000 } from "./1764900000000-JwtTokenLifetime";
import { KeySearchIndexes1764900000001 } from "./1764900000001-KeySearchIndexes";
import { Identities1765000000000 } from "./1765000000000-Identities";
import { NamedRateLimits1765000000001 } from "./1765000000001-NamedRateLimits";
import { Credits1765000000002 } from "./1765000000002-Credits";
import { KeyVerifications1765000000003 } from "./1765000000003-KeyVerifications";
import { Events1765000000004 } from "./1765000000004-Events";
import { LeakedKeyAction1765000000005 } from "./1765000000005-LeakedKeyAction";

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  JwtTokenLifetime1764900000000,
  KeySearchIndexes1764900000001,
  Identities1765000000000,
  NamedRateLimits1765000000001,
  Credits1765000000002,
  KeyVerifications1765000000003,
  Events1765000000004,
  LeakedKeyAction1765000000005,
];
