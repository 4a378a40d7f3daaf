/**
 * The identity vault: this device's account. It holds the identity keypair
 * and the newest own signed profile, persists both through the storage port,
 * and makes and restores passphrase-encrypted backups (PROTOCOL.md §3.5).
 *
 * The seed is stored in the origin's own storage (IndexedDB in a browser,
 * SQLite under the daemon's data dir), like other self-custodial clients do;
 * the backup file is how it survives the device. The vault reminds its owner
 * to make one until a backup of the current identity exists.
 */
import {
  createProfile,
  decodeCanonical,

  encodeCanonical,
  encodeProfile,
  equalBytes,
  exportBackup,
  formatUserId,
  generateKeypair,
  importBackup,
  keypairFromSeed,
  openProfile,
  bytes,
  literal,
  optional,
  struct,
  uint,
  type Keypair,
  type Profile,
  type ProfileFields,
  type StorageAdapter,
  type Verified
} from '@hearth/protocol'
import { NoIdentityError, IdentityExistsError } from './errors.ts'

const SECRET_KEY = ['identity', 'secret']
const PROFILE_KEY = ['identity', 'profile']

const storedSecret = struct({
  v: literal(1),
  seed: bytes(32),
  created: uint(),
  backedUpAt: optional(uint())
})

/** The account as the app shows it. */
export interface Identity {
  /** The identity public key. */
  readonly publicKey: Uint8Array
  /** Its text form (base32). */
  readonly userId: string
  /** The newest own signed profile. */
  readonly profile: Verified<Profile>
  /** When the identity was created or restored here (Unix ms). */
  readonly created: number
  /** When a backup was last exported or the identity restored from one; undefined if never. */
  readonly backedUpAt?: number
}

/** Options of {@link IdentityVault.open}. */
export interface IdentityVaultOptions {
  /** Where the vault keeps its records. */
  readonly storage: StorageAdapter
  /** Clock in Unix ms. @default Date.now */
  readonly now?: () => number
  /** PBKDF2 iterations for new backups. @default the protocol default (600,000) */
  readonly backupIterations?: number
}

/** Holds this device's identity. Create with {@link IdentityVault.open}. */
export class IdentityVault {
  readonly #storage: StorageAdapter
  readonly #now: () => number
  readonly #iterations: number | undefined
  #keypair: Keypair | undefined
  #identity: Identity | undefined

  private constructor(opts: IdentityVaultOptions) {
    this.#storage = opts.storage
    this.#now = opts.now ?? Date.now
    this.#iterations = opts.backupIterations
  }

  /** Open the vault and load a stored identity, if there is one. */
  static async open(opts: IdentityVaultOptions): Promise<IdentityVault> {
    const vault = new IdentityVault(opts)
    await vault.#load()
    return vault
  }

  async #load(): Promise<void> {
    const secretBytes = await this.#storage.load(SECRET_KEY)
    const profileBytes = await this.#storage.load(PROFILE_KEY)
    if (!secretBytes || !profileBytes) return
    const secret = storedSecret(decodeCanonical(secretBytes, 256), 'secret')
    const keypair = keypairFromSeed(secret.seed)
    const profile = await openProfile(profileBytes)
    if (!equalBytes(profile.id, keypair.publicKey)) throw new NoIdentityError('stored profile belongs to another key')
    this.#set(keypair, profile, secret.created, secret.backedUpAt)
  }

  #set(keypair: Keypair, profile: Verified<Profile>, created: number, backedUpAt: number | undefined): void {
    this.#keypair = keypair
    this.#identity = {
      publicKey: keypair.publicKey,
      userId: formatUserId(keypair.publicKey),
      profile,
      created,
      ...(backedUpAt !== undefined ? { backedUpAt } : {})
    }
  }

  async #persist(keypair: Keypair, profile: Verified<Profile>, created: number, backedUpAt: number | undefined): Promise<void> {
    const secret = encodeCanonical({ v: 1, seed: keypair.seed, created, backedUpAt })
    await this.#storage.saveBatch([
      { key: SECRET_KEY, data: secret },
      { key: PROFILE_KEY, data: encodeProfile(profile) }
    ])
    this.#set(keypair, profile, created, backedUpAt)
  }

  /** The identity, or undefined before one is created or restored. */
  get identity(): Identity | undefined {
    return this.#identity
  }

  /** The keypair, for signing. Throws {@link NoIdentityError} when there is none. */
  get keypair(): Keypair {
    if (!this.#keypair) throw new NoIdentityError('no identity on this device yet')
    return this.#keypair
  }

  /** Whether to remind the owner to export a backup (never backed up). */
  get needsBackup(): boolean {
    return this.#identity !== undefined && this.#identity.backedUpAt === undefined
  }

  /** Create a new identity with a first profile. Refuses if one exists (forget it first). */
  async create(fields: ProfileFields): Promise<Identity> {
    if (this.#identity) throw new IdentityExistsError('this device already has an identity')
    const keypair = generateKeypair()
    const now = this.#now()
    const profile = await createProfile(keypair, fields, 1, now)
    await this.#persist(keypair, profile, now, undefined)
    return this.#require()
  }

  /** Publish a new version of the profile (seq + 1). */
  async updateProfile(fields: ProfileFields): Promise<Identity> {
    const current = this.#require()
    const profile = await createProfile(this.keypair, fields, current.profile.seq + 1, Math.max(this.#now(), current.profile.updated))
    await this.#persist(this.keypair, profile, current.created, current.backedUpAt)
    return this.#require()
  }

  /** Encrypt the identity into backup file bytes and remember that a backup exists. */
  async exportBackup(passphrase: string): Promise<Uint8Array> {
    const current = this.#require()
    const file = await exportBackup(
      { keypair: this.keypair, profile: encodeProfile(current.profile) },
      passphrase,
      this.#iterations !== undefined ? { iterations: this.#iterations } : {}
    )
    await this.#persist(this.keypair, current.profile, current.created, this.#now())
    return file
  }

  /**
   * Restore an identity from a backup file, replacing none: refuses when a
   * different identity is already here. Restoring the same identity keeps the
   * newer of the two profiles.
   */
  async restoreBackup(file: Uint8Array, passphrase: string, fallbackName = 'Restored account'): Promise<Identity> {
    const { keypair, profile } = await importBackup(file, passphrase)
    if (this.#identity && !equalBytes(this.#identity.publicKey, keypair.publicKey)) {
      throw new IdentityExistsError('a different identity is already on this device')
    }
    let restored: Verified<Profile> | undefined
    if (profile) {
      try {
        restored = await openProfile(encodeProfile(profile))
      } catch {
        restored = undefined
      }
    }
    const existing = this.#identity?.profile
    let best = existing ?? restored
    if (existing && restored && restored.seq > existing.seq) best = restored
    best ??= await createProfile(keypair, { name: fallbackName }, 1, this.#now())
    const now = this.#now()
    await this.#persist(keypair, best, this.#identity?.created ?? now, now)
    return this.#require()
  }

  /** Remove the identity from this device. Without a backup, it is gone for good. */
  async forget(): Promise<void> {
    await this.#storage.remove(SECRET_KEY)
    await this.#storage.remove(PROFILE_KEY)
    this.#keypair = undefined
    this.#identity = undefined
  }

  #require(): Identity {
    if (!this.#identity) throw new NoIdentityError('no identity on this device yet')
    return this.#identity
  }
}

