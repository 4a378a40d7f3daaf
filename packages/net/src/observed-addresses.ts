/**
 * Observed addresses: app-level STUN (PROTOCOL.md §10.1). When identify runs
 * on a connection, the remote peer tells us the address it sees our side of
 * the connection come from (`observedAddr`, its `connection.remoteAddr`).
 * Behind a NAT that is our public address and port as that peer sees them.
 *
 * libp2p's address manager keeps only some of these (public, non-TCP, at
 * most 10) as unverified candidates and announces one only after something
 * (AutoNAT, which Hearth does not run) confirms it. Hearth keeps its own
 * book: the latest observation of each connected peer, dropped when the peer
 * disconnects, so the app can show "how others see you" and compare
 * observations (several peers reporting the same address and port suggest a
 * NAT that keeps its mapping; different ports per peer, a symmetric NAT that
 * needs the relay, §10.1).
 *
 * Observations are remote input: they are only recorded and counted, never
 * dialled or announced.
 */
import type { IdentifyResult, Libp2p, PeerId } from '@libp2p/interface'

/** One observed address and how many connected peers report it. */
export interface ObservedAddress {
  readonly address: string
  readonly peers: number
}

/** Longest observation kept; longer ones are not addresses anyone uses. */
const MAX_ADDRESS_CHARS = 512

/** The latest observation per connected peer. */
export class ObservedAddressBook {
  readonly #byPeer = new Map<string, string>()
  /** Order an address was first reported in (the tie-break of the ranking). */
  readonly #firstSeen = new Map<string, number>()
  #seen = 0

  /** Record what `peer` reports (nothing when it reports nothing usable). */
  record(peer: string, address: string | undefined): void {
    if (address === undefined || address.length === 0 || address.length > MAX_ADDRESS_CHARS) return
    this.#byPeer.set(peer, address)
    if (!this.#firstSeen.has(address)) this.#firstSeen.set(address, this.#seen++)
  }

  /** Forget `peer` (disconnected). */
  forget(peer: string): void {
    this.#byPeer.delete(peer)
    const live = new Set(this.#byPeer.values())
    for (const address of this.#firstSeen.keys()) if (!live.has(address)) this.#firstSeen.delete(address)
  }

  /** Distinct observed addresses with their peer counts, most reported first (then first reported first). */
  list(): ObservedAddress[] {
    const counts = new Map<string, number>()
    for (const address of this.#byPeer.values()) counts.set(address, (counts.get(address) ?? 0) + 1)
    return [...counts]
      .map(([address, peers]) => ({ address, peers }))
      .sort((a, b) => b.peers - a.peers || (this.#firstSeen.get(a.address) ?? 0) - (this.#firstSeen.get(b.address) ?? 0))
  }

  /** What each connected peer reported (peer id → address). */
  byPeer(): ReadonlyMap<string, string> {
    return new Map(this.#byPeer)
  }
}

/** The part of libp2p the tracker listens to. */
export type ObservedAddressHost = Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'peerId'>

const books = new WeakMap<object, ObservedAddressBook>()

/**
 * The address in an identify result, as text, if it tells how the peer sees
 * us: not over a limited (relayed) connection (that is the relay's circuit,
 * not us), with our own trailing `/p2p/<id>` removed.
 */
export function observationOf(result: Pick<IdentifyResult, 'observedAddr' | 'connection'>, self: PeerId): string | undefined {
  try {
    if (result.observedAddr === undefined || result.connection.limits !== undefined) return undefined
    const text = result.observedAddr.toString()
    if (text.includes('/p2p-circuit')) return undefined
    const suffix = `/p2p/${self.toString()}`
    return text.endsWith(suffix) ? text.slice(0, -suffix.length) : text
  } catch {
    return undefined
  }
}

/**
 * Start collecting observed addresses on `libp2p` (once per node: a second
 * call returns the same book). `createHearthNode` calls it before the node
 * starts, so no identify is missed.
 */
export function trackObservedAddresses(libp2p: ObservedAddressHost): ObservedAddressBook {
  const existing = books.get(libp2p)
  if (existing !== undefined) return existing
  const book = new ObservedAddressBook()
  books.set(libp2p, book)
  libp2p.addEventListener('peer:identify', (event) => {
    book.record(event.detail.peerId.toString(), observationOf(event.detail, libp2p.peerId))
  })
  libp2p.addEventListener('peer:disconnect', (event) => {
    book.forget(event.detail.toString())
  })
  return book
}

/**
 * How connected peers see this node: distinct addresses, most confirmed
 * (reported by the most peers) first. Empty for a node that is not tracked.
 */
export function observedAddresses(node: { readonly libp2p: object }): string[] {
  return (books.get(node.libp2p)?.list() ?? []).map((o) => o.address)
}

/** Like {@link observedAddresses}, with each address's peer count. */
export function observedAddressCounts(node: { readonly libp2p: object }): ObservedAddress[] {
  return books.get(node.libp2p)?.list() ?? []
}
