/**
 * Profiles as the UI shows them: a member's newest signed profile held by
 * the room (PROTOCOL.md §3.2), or a fallback name from the key.
 *
 * The room's profile set is `RoomStore.profiles()` / `RoomStore.profile(key)`
 * and `RoomSession.publishProfile(profile)`; this module is the one place
 * the app core reaches them.
 */
import { formatUserId, fromHex, toHex, type Profile, type Verified } from '@hearth/protocol'
import type { RoomSession } from '../session/room-session.ts'
import type { RoomStore } from '../store/room-store.ts'
import type { Hex, ProfileSummary } from './types.ts'

/** The room's newest profile of `key`, if it holds one. */
export function storedProfile(store: RoomStore, key: Hex): Verified<Profile> | undefined {
  return store.profile(fromHex(key))
}

/** Publish my profile into a live room (stored in its profile set, then gossiped). */
export async function publishProfile(session: RoomSession, profile: Verified<Profile>): Promise<void> {
  await session.publishProfile(profile)
}

/** The short form of a key shown when no profile is known. */
export function shortKey(key: Hex): string {
  return formatUserId(fromHex(key)).slice(0, 8)
}

const avatarUrls = new WeakMap<object, string>()

/** `data:` URL of an image (cached per profile object). */
export function imageUrl(owner: object, image: { readonly mime: string; readonly data: Uint8Array }): string {
  let url = avatarUrls.get(owner)
  if (url === undefined) {
    let binary = ''
    for (let i = 0; i < image.data.length; i += 0x8000) binary += String.fromCharCode(...image.data.subarray(i, i + 0x8000))
    url = `data:${image.mime};base64,${btoa(binary)}`
    avatarUrls.set(owner, url)
  }
  return url
}

/** A profile record as a summary. */
export function summaryOf(profile: Verified<Profile>): ProfileSummary {
  return {
    key: toHex(profile.id),
    name: profile.name,
    known: true,
    ...(profile.bio !== undefined ? { bio: profile.bio } : {}),
    ...(profile.status !== undefined ? { status: profile.status } : {}),
    ...(profile.avatar !== undefined ? { avatarUrl: imageUrl(profile, profile.avatar) } : {})
  }
}

/**
 * Resolves keys to summaries for one room, memoised for one snapshot build:
 * the room's profile, else mine (the vault's) for my key, else the fallback.
 */
export class ProfileResolver {
  readonly #store: RoomStore
  readonly #mine: Verified<Profile> | undefined
  readonly #cache = new Map<Hex, ProfileSummary>()

  constructor(store: RoomStore, mine: Verified<Profile> | undefined) {
    this.#store = store
    this.#mine = mine
  }

  get(key: Hex): ProfileSummary {
    let summary = this.#cache.get(key)
    if (summary === undefined) {
      const mine = this.#mine !== undefined && toHex(this.#mine.id) === key ? this.#mine : undefined
      const stored = storedProfile(this.#store, key)
      const best = mine !== undefined && (stored === undefined || mine.seq >= stored.seq) ? mine : stored
      summary = best !== undefined ? summaryOf(best) : { key, name: shortKey(key), known: false }
      this.#cache.set(key, summary)
    }
    return summary
  }
}
