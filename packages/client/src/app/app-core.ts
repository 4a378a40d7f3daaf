/** What the action modules need of the app (`AppContext` in core-context.ts implements it). */
import type { Keypair } from '@hearth/protocol'
import type { AppRoom } from './app-room.ts'
import type { ProfileResolver } from './profiles.ts'
import type { Hex } from './types.ts'

export interface AppCore {
  /** My keypair and key; NotReadyError before an identity exists. */
  me(): { readonly keypair: Keypair; readonly hex: Hex }
  now(): number
  /** A room I hold, by hex id; InvalidInputError or NotFoundError otherwise. */
  room(id: unknown): AppRoom
  /** Names of keys in a room. */
  profiles(room: AppRoom): ProfileResolver
  changed(): void
}
