// A message's text with mentions highlighted: `@Name` of a mentioned member (matched
// case-insensitively, as the app core parses them) and `<@key>` tokens, shown as @name.
// Line breaks are kept by CSS (white-space: pre-wrap); nothing is parsed as markup.

import { Fragment, type ReactNode } from 'react'

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Props of {@link MessageText}. */
export interface MessageTextProps {
  readonly text: string
  /** The people the message mentions, with their current names. */
  readonly mentions: readonly { readonly key: string; readonly name: string }[]
  readonly myKey?: string | undefined
}

/** The text, with a `.mention` span per mention (`.mention--me` for mine). */
export function MessageText({ text, mentions, myKey }: MessageTextProps) {
  if (mentions.length === 0) return <>{text}</>
  const named = [...mentions].filter((m) => m.name !== '').sort((a, b) => b.name.length - a.name.length)
  const alternatives = ['<@[0-9a-fA-F]{64}>', ...named.map((m) => `@${escapeRegExp(m.name)}`)]
  const pattern = new RegExp(alternatives.join('|'), 'giu')
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(pattern)) {
    const token = match[0]
    const at = match.index
    const byKey = token.startsWith('<@') ? mentions.find((m) => m.key === token.slice(2, -1).toLowerCase()) : undefined
    const byName = named.find((m) => `@${m.name}`.toLowerCase() === token.toLowerCase())
    const who = byKey ?? byName
    if (token.startsWith('<@') && byKey === undefined) continue
    parts.push(<Fragment key={`t${last}`}>{text.slice(last, at)}</Fragment>)
    parts.push(
      <span key={`m${at}`} className={who?.key === myKey ? 'mention mention--me' : 'mention'}>
        {byKey !== undefined ? `@${byKey.name}` : token}
      </span>
    )
    last = at + token.length
  }
  parts.push(<Fragment key={`t${last}`}>{text.slice(last)}</Fragment>)
  return <>{parts}</>
}
