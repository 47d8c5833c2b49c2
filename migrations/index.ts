import { InitialSchema1764000000000 } from "./1764000000000-InitialSchema";

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [InitialSchema1764000000000];
