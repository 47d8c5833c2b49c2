import bcrypt from "bcrypt";

/** Hashes key secrets. Only the hash is ever stored. */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  compare(secret: string, hash: string): Promise<boolean>;
}

export class BcryptHasher implements SecretHasher {
  constructor(private readonly cost: number) {}

  hash(secret: string): Promise<string> {
    return bcrypt.hash(secret, this.cost);
  }

  compare(secret: string, hash: string): Promise<boolean> {
    return bcrypt.compare(secret, hash);
  }
}
