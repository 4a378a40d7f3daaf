// A person's or room's round picture from a snapshot's `data:` URL, or their initial.

/** Props of {@link UserAvatar}. */
export interface UserAvatarProps {
  readonly name: string
  readonly url?: string | undefined
  readonly size?: number
}

/** Decorative: the name is always shown (or labelled) beside it. */
export function UserAvatar({ name, url, size = 40 }: UserAvatarProps) {
  const style = { width: size, height: size, fontSize: Math.max(12, Math.round(size * 0.4)) }
  if (url === undefined) {
    return (
      <span className="avatar avatar--letter" style={style} aria-hidden="true">
        {(Array.from(name.trim())[0] ?? '?').toUpperCase()}
      </span>
    )
  }
  return <img className="avatar" src={url} alt="" style={style} />
}
