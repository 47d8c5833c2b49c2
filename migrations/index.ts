import { InitialSchema1764000000000 } from "./1764000000000-InitialSchema";
import { JwtTokenLifetime1764900000000 } from "./1764900000000-JwtTokenLifetime";
import { KeySearchIndexes1764900000001 } from "./1764900000001-KeySearchIndexes";

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [InitialSchema1764000000000, JwtTokenLifetime1764900000000, KeySearchIndexes1764900000001];
